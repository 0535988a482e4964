import { apiRoute } from '@/lib/api/route';
import { parseJournalQuery } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The alarm journal, newest first, filtered; page with `cursor` (the answer's `nextCursor`). */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = parseJournalQuery(req);
  const limit = q.limit ?? 100;
  const entries = await getServices().repos.alerts.journal({ ...q, limit });
  return Response.json({ entries, nextCursor: entries.length === limit ? (entries.at(-1)?.id ?? null) : null });
});
