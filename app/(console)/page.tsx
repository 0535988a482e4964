import type { Metadata } from 'next';
import { Dashboard } from '@/components/dashboard/dashboard';
import { getServices } from '@/lib/services';
import { userTimeZone } from '@/lib/time/user-time-zone';
import { currentUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const services = getServices();
  const twin = services.twin;
  const me = await viewer();
  return (
    <>
      <h1 className="visually-hidden">Dashboard</h1>
      <Dashboard catalog={twin.catalog()} timeZone={await userTimeZone()} me={me} initialYAxes={await yAxesOf(me)} />
    </>
  );
}

async function viewer() {
  const user = await currentUser();
  return user ? { id: user.id, role: user.role } : null;
}

/** The user's fixed y-axis ranges ({} when none, or nobody is signed in). */
async function yAxesOf(me: { id: string } | null) {
  return me ? ((await getServices().users.getChartAxes(me.id)) ?? {}) : {};
}
