import type { Metadata } from 'next';
import { UsersAdmin } from '@/components/admin/users-admin';
import { userView } from '@/lib/auth/admin-views';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';
import { userTimeZone } from '@/lib/time/user-time-zone';

export const metadata: Metadata = { title: 'Admin · Users' };

export default async function AdminUsersPage() {
  // Checked here too, not only in the layout: Next renders a page even when its layout does not
  // show it, and its data would reach the browser in the page's payload.
  const user = await currentUser();
  if (user?.role !== 'admin') return null;
  const users = await getServices().users.list();
  return <UsersAdmin currentUserId={user.id} initialUsers={users.map(userView)} timeZone={await userTimeZone()} />;
}
