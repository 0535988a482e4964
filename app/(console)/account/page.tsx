import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ChangePasswordForm } from '@/components/account/change-password-form';
import { RevokeSessionsButton } from '@/components/account/revoke-sessions-button';
import { ThemeSelect } from '@/components/account/theme-select';
import { userTheme } from '@/lib/display/user-theme';
import { currentUser } from '@/lib/auth/session';
import '../admin/admin.css';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect('/login');
  return (
    <>
      <h1>Account</h1>
      <div className="admin-stack account">
        <section className="panel" aria-labelledby="me-h">
          <h2 id="me-h">You</h2>
          <dl className="account-facts">
            <dt>Username</dt>
            <dd data-testid="account-username">{user.username}</dd>
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>Role</dt>
            <dd>{user.role}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="display-h">
          <h2 id="display-h">Display</h2>
          <ThemeSelect initial={await userTheme()} />
        </section>
        <section className="panel" aria-labelledby="password-h">
          <h2 id="password-h">Change password</h2>
          <ChangePasswordForm />
        </section>
        <section className="panel" aria-labelledby="sessions-h">
          <h2 id="sessions-h">Sessions</h2>
          <RevokeSessionsButton />
        </section>
      </div>
    </>
  );
}
