import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** What is out of service (rules and assets, with who, why and since when) and the alarms it holds back. */
export const GET = apiRoute({ role: 'viewer' }, async () => {
  const repo = getServices().repos.alerts;
  const [entries, alarms] = await Promise.all([
    repo.listOutOfService(),
    repo.list({ state: 'out_of_service', limit: 1000 }),
  ]);
  return Response.json({ entries, alarms });
});
