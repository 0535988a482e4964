import type { Metadata } from 'next';
import { ConnectionStatus } from '@/components/connection-status';
import { currentSession } from '@/lib/auth/session';
import { checkHealth } from '@/lib/health';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await currentSession();
  const health = await checkHealth(getServices());
  return (
    <>
      <h1>Dashboard</h1>
      <div className="grid">
        <section className="panel" aria-labelledby="live-h">
          <h2 id="live-h">Live connection</h2>
          <ConnectionStatus />
        </section>
        <section className="panel" aria-labelledby="sys-h">
          <h2 id="sys-h">System</h2>
          <p>
            Database: {health.checks.database.kind} ({health.checks.database.status})
          </p>
          <p className="muted">
            twinops {health.version} · up {health.uptimeSeconds} s
          </p>
        </section>
        <section className="panel" aria-labelledby="you-h">
          <h2 id="you-h">Signed in</h2>
          <p>
            {session?.user.name} ({session?.user.role})
          </p>
        </section>
      </div>
    </>
  );
}
