import type { Metadata } from 'next';
import { AuditLog } from '@/components/admin/audit-log';
import { AUDIT_PAGE_SIZE, auditPageView } from '@/lib/auth/admin-views';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Admin · Audit' };

export default async function AdminAuditPage() {
  const page = await getServices().audit.page({ limit: AUDIT_PAGE_SIZE });
  return <AuditLog initialPage={auditPageView(page)} />;
}
