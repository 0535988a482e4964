import { apiRoute } from '@/lib/api/route';
import { alertsRepo } from '@/lib/db/alerts-repo';
import { parseRuleQuery } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Every alert rule (optionally one asset's), as stored. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = parseRuleQuery(req);
  const rules = await alertsRepo(getServices().database.db).listRules(q.assetId);
  return Response.json({ rules, now: Date.now() });
});
