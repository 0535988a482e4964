import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The assets, signals (with units and valid ranges), target and model: everything to label a view. */
export const GET = apiRoute({ role: 'viewer' }, async () => {
  const twin = getServices().twin;
  const catalog = twin.catalog();
  return Response.json({
    ...catalog,
    assets: catalog.assets.map((a) => {
      const latest = twin.pipeline.stream(a.id)?.latest();
      return { ...a, latest: latest ?? null };
    }),
    modelProblem: twin.modelProblem(),
  });
});
