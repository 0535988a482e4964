import { apiRoute, validationError } from '@/lib/api/route';
import { assetActor, assetView } from '@/lib/assets/api';
import { createAssetSchema, listAssetsQuerySchema } from '@/lib/assets/schemas';
import { getServices } from '@/lib/services';
import { queryObject } from '@/lib/twin/history';

export const dynamic = 'force-dynamic';

/**
 * The assets (with their place, source and signals), the model's signals (units, valid ranges),
 * target and model: everything to label a view. `?retired=true` lists retired assets too.
 */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const q = listAssetsQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!q.success) throw validationError(q.error, 'The query is invalid');
  const { twin, assets: registry } = getServices();
  const catalog = twin.catalog();
  const listed = q.data.retired === 'true' ? await registry.listAll() : registry.list();
  return Response.json({
    ...catalog,
    assets: listed.map((a) => assetView(a, twin.pipeline.stream(a.id)?.latest() ?? null)),
    modelProblem: twin.modelProblem(),
  });
});

/** Registers an asset (admins); it streams, alerts and shows in every picker at once. Audited. */
export const POST = apiRoute({ role: 'admin', body: createAssetSchema }, async ({ body, principal, address }) => {
  const asset = await getServices().assets.create(body, assetActor(principal, address));
  return Response.json({ asset: assetView(asset) }, { status: 201 });
});
