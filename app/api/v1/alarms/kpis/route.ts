import { apiRoute } from '@/lib/api/route';
import { parseKpiRange } from '@/lib/alerts/api';
import { alarmKpis } from '@/lib/alerts/kpis';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Alarm KPIs (EEMUA 191 / ISA-18.2) over `from`-`to`, computed by the database. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) =>
  Response.json(await alarmKpis(getServices().repos.alarmKpis, parseKpiRange(req))),
);
