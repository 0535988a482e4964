import type { Metadata } from 'next';
import { Dashboard } from '@/components/dashboard/dashboard';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Dashboard' };

export default function DashboardPage() {
  const twin = getServices().twin;
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
      <Dashboard catalog={twin.catalog()} />
    </>
  );
}
