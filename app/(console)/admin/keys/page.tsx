import type { Metadata } from 'next';
import { ApiKeysAdmin } from '@/components/admin/api-keys-admin';
import { keyView } from '@/lib/auth/admin-views';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';
import { userTimeZone } from '@/lib/time/user-time-zone';

export const metadata: Metadata = { title: 'Admin · API keys' };

export default async function AdminKeysPage() {
  // Checked here too (see the users page): the layout alone would not keep the data back.
  if ((await currentUser())?.role !== 'admin') return null;
  const { users, repos } = getServices();
  const [keys, userList] = await Promise.all([repos.apiKeys.listWithOwners(), users.list()]);
  return (
    <ApiKeysAdmin
      initialKeys={keys.map((k) => keyView(k))}
      usernames={userList.filter((u) => !u.disabled).map((u) => u.username)}
      timeZone={await userTimeZone()}
    />
  );
}
