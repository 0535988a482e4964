import { getServicesOrNull } from '@/lib/services';
import { checkHealth, startingHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/**
 * The reference service's health probe (`GET /health`), public like `/api/health`:
 * `{status: 'healthy' | 'unhealthy', service, model_version, timestamp}` plus our checks.
 */
export async function GET(): Promise<Response> {
  const services = getServicesOrNull();
  if (!services) return startingHealth();
  const report = await checkHealth(services);
  const model = services.twin.model();
  return Response.json(
    {
      status: report.status === 'ok' ? 'healthy' : 'unhealthy',
      service: 'twinops',
      model_version: model?.manifest.version ?? null,
      timestamp: new Date().toISOString(),
      checks: report.checks,
    },
    { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
