import type { Metadata } from 'next';
import { HistoryView } from '@/components/history/history-view';
import { currentSession, currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'History' };

export default async function HistoryPage() {
  const services = getServices();
  const twin = services.twin;
  const session = await currentSession();
  const timeZone = session?.user?.id ? ((await services.users.getTimeZone(session.user.id)) ?? null) : null;
  const me = await viewer();
  return (
    <>
      <h1 className="visually-hidden">History</h1>
      <HistoryView catalog={twin.catalog()} initialTimeZone={timeZone} me={me} initialYAxes={await yAxesOf(me)} />
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
