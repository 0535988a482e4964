import type { Metadata } from 'next';
import Link from 'next/link';
import { KpiView } from '@/components/alerts/kpi-view';
import { kpiRangeOfAddress } from '@/lib/alerts/kpis';

export const metadata: Metadata = { title: 'Alarm KPIs' };
export const dynamic = 'force-dynamic';

/** Alarm KPIs over the range in the address (`?from&to`, as the API), else the last 24 h. */
export default async function KpiPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const range = kpiRangeOfAddress(await searchParams);
  return (
    <>
      <h1>
        <Link href="/alerts">Alerts</Link> › KPIs
      </h1>
      <KpiView from={range.from} to={range.to} />
    </>
  );
}
