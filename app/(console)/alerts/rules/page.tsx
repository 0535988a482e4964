import type { Metadata } from 'next';
import Link from 'next/link';
import { alertCatalog } from '@/components/alerts/labels';
import { RulesEditor } from '@/components/alerts/rules-editor';
import { hasRole } from '@/lib/auth/roles';
import { currentSession } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Alert rules' };

export default async function AlertRulesPage() {
  const session = await currentSession();
  const twin = getServices().twin;
  return (
    <>
      <h1>
        <Link href="/alerts">Alerts</Link> › Rules
      </h1>
      <RulesEditor catalog={alertCatalog(twin.catalog())} canEdit={hasRole(session?.user.role, 'operator')} />
    </>
  );
}
