import type { Metadata } from 'next';
import { AlertsView } from '@/components/alerts/alerts-view';
import { alertCatalog } from '@/components/alerts/labels';
import { hasRole } from '@/lib/auth/roles';
import { currentSession } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  const session = await currentSession();
  const twin = getServices().twin;
  return (
    <>
      <h1>Alerts</h1>
      <AlertsView catalog={alertCatalog(twin.catalog())} canAck={hasRole(session?.user.role, 'operator')} />
    </>
  );
}
