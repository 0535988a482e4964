import type { Metadata } from 'next';
import { AuditLog } from '@/components/admin/audit-log';
import { AUDIT_PAGE_SIZE, auditPageView } from '@/lib/auth/admin-views';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';
import { userTimeZone } from '@/lib/time/user-time-zone';

export const metadata: Metadata = { title: 'Admin · Audit' };

export default async function AdminAuditPage() {
  // Checked here too (see the users page): the layout alone would not keep the data back.
  if ((await currentUser())?.role !== 'admin') return null;
  const page = await getServices().audit.page({ limit: AUDIT_PAGE_SIZE });
  return <AuditLog initialPage={auditPageView(page)} timeZone={await userTimeZone()} />;
}
