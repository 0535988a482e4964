import type { Metadata } from 'next';
import { ModelsAdmin } from '@/components/models/models-admin';
import { BacktestPanel } from '@/components/models/backtest-panel';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';

export const metadata: Metadata = { title: 'Models' };
export const dynamic = 'force-dynamic';

/** Admin: model versions, upload, activate / roll back, the A/B test, backtests. */
export default async function ModelsPage() {
  // The user's current role (not the session's, which may predate a demotion): Next renders a page
  // even when its layout refuses, and the page's data would reach the browser.
  const user = await currentUser();
  if (user?.role !== 'admin') {
    return (
      <section className="panel" role="alert">
        <h1>Models</h1>
        <p>You need the admin role to open this page.</p>
      </section>
    );
  }
  const models = getServices().models;
  const list = { active: models.active(), problem: models.problem(), versions: await models.list() };
  return (
    <>
      <h1>Models</h1>
      <ModelsAdmin initialList={list} initialAb={models.ab()} />
      <BacktestPanel
        versions={list.versions}
        assets={getServices().twin.catalog().assets.map((a) => ({ id: a.id, name: a.name }))}
      />
    </>
  );
}
