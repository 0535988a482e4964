import { getServicesOrNull } from '@/lib/services';
import { checkHealth, startingHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/**
 * Liveness + readiness for load balancers and operators: no auth, no secrets in the answer.
 * Without a model that can run the console still serves (readings stream, predictions are marked
 * unavailable): 200 with status `degraded` and the reason, so it is not taken out of rotation.
 */
export async function GET(): Promise<Response> {
  const services = getServicesOrNull();
  if (!services) return startingHealth();
  const report = await checkHealth(services);
  const problem = services.twin.modelProblem() ?? null;
  const body =
    report.status === 'ok' && problem
      ? {
          ...report,
          status: 'degraded' as const,
          reason: problem,
          checks: { ...report.checks, model: { status: 'failed' as const, reason: problem } },
        }
      : {
          ...report,
          checks: {
            ...report.checks,
            model: problem
              ? { status: 'failed' as const, reason: problem }
              : { status: 'ok' as const, version: services.models.active()?.version ?? null },
          },
        };
  return Response.json(body, {
    status: report.status === 'unhealthy' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
}
