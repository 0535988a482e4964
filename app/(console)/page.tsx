import type { Metadata } from 'next';
import { Dashboard } from '@/components/dashboard/dashboard';
import { currentSession } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const services = getServices();
  const twin = services.twin;
  if (!twin) {
    return (
      <section className="panel" role="status">
        <h1>Dashboard</h1>
        <p>The live twin is still starting. Reload the page in a moment.</p>
      </section>
    );
  }
  return (
    <>
      <h1 className="visually-hidden">Dashboard</h1>
      <Dashboard catalog={twin.catalog()} timeZone={await userTimeZone()} />
    </>
  );
}

/** The signed-in user's chosen time zone; null (the browser's) when none or unknown. */
async function userTimeZone(): Promise<string | null> {
  const session = await currentSession();
  return session?.user?.id ? ((await getServices().users.getTimeZone(session.user.id)) ?? null) : null;
}
