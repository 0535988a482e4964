import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Role } from '@/lib/auth/roles';
import { LogoutButton } from './logout-button';
import { NavLinks } from './nav-links';
import { AlertBanner, AlertsIndicator } from './alerts/alerts-indicator';
import type { AlertCatalog } from './alerts/labels';

export interface ShellUser {
  username: string;
  name: string;
  role: Role;
}

/** The console frame: brand, navigation, who is signed in (name and role) and logout. */
export function AppShell({
  user,
  alertCatalog,
  children,
}: {
  user: ShellUser;
  /** Asset and signal labels for the alert banner; null while the twin starts (ids shown). */
  alertCatalog: AlertCatalog | null;
  children: ReactNode;
}) {
  return (
    <>
      <header className="shell-header">
        <span className="brand">
          twin<span>ops</span>
        </span>
        <NavLinks showAdmin={user.role === 'admin'} />
        <AlertsIndicator />
        <div className="shell-user" data-testid="current-user">
          <span>{user.name}</span>
          <span className="role-badge" data-testid="current-role">
            {user.role}
          </span>
          <Link href="/account" className="account-link">
            Account
          </Link>
          <LogoutButton />
        </div>
      </header>
      <AlertBanner catalog={alertCatalog} />
      <main className="shell-main">{children}</main>
    </>
  );
}
