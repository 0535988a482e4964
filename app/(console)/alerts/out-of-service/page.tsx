import type { Metadata } from 'next';
import Link from 'next/link';
import { alertCatalog } from '@/components/alerts/labels';
import { OutOfServiceView } from '@/components/alerts/out-of-service-view';
import { hasRole } from '@/lib/auth/roles';
import { currentSession } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Out of service' };

export default async function OutOfServicePage() {
  const session = await currentSession();
  const twin = getServices().twin;
  return (
    <>
      <h1>
        <Link href="/alerts">Alerts</Link> › Out of service
      </h1>
      <OutOfServiceView catalog={alertCatalog(twin.catalog())} canManage={hasRole(session?.user.role, 'admin')} />
    </>
  );
}
