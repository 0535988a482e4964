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
      // Degraded (Redis or the broker down) still serves: healthy for the reference's clients.
      status: report.status === 'unhealthy' ? 'unhealthy' : 'healthy',
      service: 'twinops',
      model_version: model?.manifest.version ?? null,
      timestamp: new Date().toISOString(),
      checks: report.checks,
    },
    { status: report.status === 'unhealthy' ? 503 : 200, headers: { 'cache-control': 'no-store' } },
  );
}
