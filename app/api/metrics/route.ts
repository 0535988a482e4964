import { apiRoute } from '@/lib/api/route';
import { metricsRegistry } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus text. Scrapers: `Bearer $METRICS_TOKEN` or an API key; people: admins' sessions. */
export const GET = apiRoute({ role: 'viewer', sessionRole: 'admin', metricsToken: true }, async () => {
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), {
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
  });
});
