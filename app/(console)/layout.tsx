import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { currentSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  // proxy.ts already redirects; this guards against a session that decodes but lacks our claims.
  if (!session?.user?.role) redirect('/login');
  return <AppShell user={session.user}>{children}</AppShell>;
}
