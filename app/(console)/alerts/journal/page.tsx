import type { Metadata } from 'next';
import Link from 'next/link';
import { alertCatalog } from '@/components/alerts/labels';
import { JournalView } from '@/components/alerts/journal-view';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Alarm journal' };

export default function JournalPage() {
  const twin = getServices().twin;
  return (
    <>
      <h1>
        <Link href="/alerts">Alerts</Link> › Journal
      </h1>
      <JournalView catalog={alertCatalog(twin.catalog())} />
    </>
  );
}
