import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { alertCatalog } from '@/components/alerts/labels';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // proxy.ts already redirects without a session; this also refuses a session whose user has been
  // disabled since (or lacks our claims), and shows the user's current role.
  const user = await currentUser();
  if (!user) redirect('/login');
  // The banner names assets and signals as the Alerts page does (labels from the catalog).
  const twin = getServices().twin;
  const catalog = twin ? alertCatalog(twin.catalog()) : null;
  return (
    <AppShell user={user} alertCatalog={catalog}>
      {children}
    </AppShell>
  );
}
