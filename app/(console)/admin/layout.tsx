import type { ReactNode } from 'react';
import { AdminTabs } from '@/components/admin/admin-tabs';
import { currentUser } from '@/lib/auth/session';
import './admin.css';

export const dynamic = 'force-dynamic';

/** Every admin page: the user's current role must be admin (the API checks again on each call). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (user?.role !== 'admin') {
    return (
      <section className="panel" role="alert">
        <h1>Admin</h1>
        <p>You need the admin role to open this page.</p>
      </section>
    );
  }
  return (
    <>
      <h1>Admin</h1>
      <AdminTabs />
      {children}
    </>
  );
}
