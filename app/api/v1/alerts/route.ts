import { apiRoute } from '@/lib/api/route';
import { parseAlertQuery } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Alerts, newest first, filtered by state (or `open`), asset and severity; page with `before`. Open ones carry their live peak. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = parseAlertQuery(req);
  const limit = q.limit ?? 100;
  const { repos, alerts: engine } = getServices();
  const stored = await repos.alerts.list({ ...q, limit });
  const alerts = stored.map((a) => engine.current(a));
  return Response.json({ alerts, nextBefore: alerts.length === limit ? (alerts.at(-1)?.id ?? null) : null });
});
