import { reply } from '@/lib/api/light-http';
import { apiRoute } from '@/lib/api/route';
import { referencePredictionCount } from '@/lib/metrics';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * The reference microservice's `GET /metrics`: `{total_requests, model_version, uptime_seconds}`
 * with real values (answered `POST /predict` calls since start, the serving model's version or
 * null while degraded, seconds since the console started). Viewers and up; the Prometheus text
 * stays at `/api/metrics`.
 */
export const GET = apiRoute({ role: 'viewer', machine: true }, async () =>
  reply(
    {
      total_requests: referencePredictionCount(),
      model_version: getServices().twin.model()?.manifest.version ?? null,
      uptime_seconds: (Date.now() - getServices().startedAt.getTime()) / 1000,
    },
    { headers: { 'cache-control': 'no-store' } },
  ),
);
