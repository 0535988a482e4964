import { getServices } from '@/lib/services';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Liveness + readiness for load balancers and operators: no auth, no secrets in the answer. */
export async function GET(): Promise<Response> {
  const report = await checkHealth(getServices());
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
