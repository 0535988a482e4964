import type { Metadata } from 'next';
import Link from 'next/link';
import { KpiView } from '@/components/alerts/kpi-view';
import { DEFAULT_KPI_RANGE_MS, kpiQuerySchema, kpiRangeOf, kpiRangeSchema } from '@/lib/alerts/kpis';

export const metadata: Metadata = { title: 'Alarm KPIs' };
export const dynamic = 'force-dynamic';

/** Alarm KPIs over the range in the address (`?from&to`, as the API), else the last 24 h. */
export default async function KpiPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const sp = await searchParams;
  const q = kpiQuerySchema.safeParse({
    ...(typeof sp.from === 'string' ? { from: sp.from } : {}),
    ...(typeof sp.to === 'string' ? { to: sp.to } : {}),
  });
  const now = Date.now();
  const asked = q.success ? kpiRangeSchema.safeParse(kpiRangeOf(q.data, now)) : null;
  const range = asked?.success ? asked.data : { from: now - DEFAULT_KPI_RANGE_MS, to: now };
  return (
    <>
      <h1>
        <Link href="/alerts">Alerts</Link> › KPIs
      </h1>
      <KpiView from={range.from} to={range.to} />
    </>
  );
}
