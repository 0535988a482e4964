import { apiRoute } from '@/lib/api/route';
import { alertsRepo } from '@/lib/db/alerts-repo';
import { parseAlertQuery } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Alerts, newest first, filtered by state (or `open`), asset and severity; page with `before`. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = parseAlertQuery(req);
  const limit = q.limit ?? 100;
  const alerts = await alertsRepo(getServices().database.db).list({ ...q, limit });
  return Response.json({ alerts, nextBefore: alerts.length === limit ? (alerts.at(-1)?.id ?? null) : null });
});
