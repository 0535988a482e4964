import type { Metadata } from 'next';
import { currentSession } from '@/lib/auth/session';
import { hasRole } from '@/lib/auth/roles';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminPage() {
  const session = await currentSession();
  if (!hasRole(session?.user.role, 'admin')) {
    return (
      <section className="panel" role="alert">
        <h1>Admin</h1>
        <p>You need the admin role to open this page.</p>
      </section>
    );
  }
  const { users, audit } = getServices();
  const [userList, recent] = await Promise.all([users.list(), audit.list({ limit: 50 })]);
  return (
    <>
      <h1>Admin</h1>
      <div className="grid" style={{ gridTemplateColumns: '1fr' }}>
        <section className="panel" aria-labelledby="users-h">
          <h2 id="users-h">Users</h2>
          <table aria-labelledby="users-h">
            <thead>
              <tr>
                <th>Username</th>
                <th>Name</th>
                <th>Role</th>
                <th>State</th>
                <th>Last login</th>
              </tr>
            </thead>
            <tbody>
              {userList.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.displayName ?? ''}</td>
                  <td>{u.role}</td>
                  <td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td>{u.lastLoginAt ? u.lastLoginAt.toISOString() : 'never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Manage users with `npm run users -- --help` (admin pages for this come with the administration work).</p>
        </section>
        <section className="panel" aria-labelledby="audit-h">
          <h2 id="audit-h">Recent audit log</h2>
          <table aria-labelledby="audit-h">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Who</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((e) => (
                <tr key={e.id}>
                  <td>{e.at.toISOString()}</td>
                  <td>{e.actor ?? ''}</td>
                  <td>{e.action}</td>
                  <td>{e.outcome}</td>
                  <td>{e.address ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}
