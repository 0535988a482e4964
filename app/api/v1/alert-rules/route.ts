import { apiRoute } from '@/lib/api/route';
import { parseRuleQuery } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Every alert rule (optionally one asset's), as stored. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = parseRuleQuery(req);
  const rules = await getServices().repos.alerts.listRules(q.assetId);
  return Response.json({ rules, now: Date.now() });
});
