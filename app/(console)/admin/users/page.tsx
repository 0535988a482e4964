import type { Metadata } from 'next';
import { UsersAdmin } from '@/components/admin/users-admin';
import { userView } from '@/lib/auth/admin-views';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Admin · Users' };

export default async function AdminUsersPage() {
  // The layout has refused non-admins already; the id marks "(you)" in the list.
  const [user, users] = await Promise.all([currentUser(), getServices().users.list()]);
  return <UsersAdmin currentUserId={user?.id ?? ''} initialUsers={users.map(userView)} />;
}
