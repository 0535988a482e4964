import { apiRoute } from '@/lib/api/route';
import { parseKpiRange } from '@/lib/alerts/api';
import { alarmKpis } from '@/lib/alerts/kpis';
import { kpisCsv } from '@/lib/alerts/kpis-csv';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The KPI figures as CSV (one row per figure, the 10-minute series included). */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const kpis = await alarmKpis(getServices().repos.alarmKpis, parseKpiRange(req));
  return new Response(kpisCsv(kpis), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="alarm-kpis.csv"',
      'cache-control': 'no-store',
    },
  });
});
