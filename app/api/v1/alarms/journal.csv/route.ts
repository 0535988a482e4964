import { apiRoute } from '@/lib/api/route';
import { parseJournalQuery } from '@/lib/alerts/api';
import { journalCsvStream } from '@/lib/alerts/journal-csv';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The filtered alarm journal as CSV, streamed (every matching entry, newest first). */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const { cursor: _cursor, limit: _limit, ...q } = parseJournalQuery(req);
  const body = journalCsvStream(getServices().repos.alerts, q);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="alarm-journal.csv"',
      'cache-control': 'no-store',
    },
  });
});
