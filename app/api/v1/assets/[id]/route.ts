import { apiRoute } from '@/lib/api/route';
import { assetActor, assetView } from '@/lib/assets/api';
import { patchAssetSchema } from '@/lib/assets/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** One asset, retired ones too (their history stays readable). */
export const GET = apiRoute({ role: 'viewer' }, async ({ params }) => {
  const asset = await getServices().assets.find(params.id ?? '');
  return Response.json({ asset: assetView(asset, getServices().twin.pipeline.stream(asset.id)?.latest() ?? null) });
});

/** Changes an asset's name, place, description, source or signals (admins); live at once. Audited. */
export const PATCH = apiRoute(
  { role: 'admin', body: patchAssetSchema },
  async ({ params, body, principal, address }) => {
    const asset = await getServices().assets.update(params.id ?? '', body, assetActor(principal, address));
    return Response.json({ asset: assetView(asset) });
  },
);

/** Retires an asset (admins): its stream stops, its history stays readable. Audited. */
export const DELETE = apiRoute({ role: 'admin' }, async ({ params, principal, address }) => {
  const asset = await getServices().assets.retire(params.id ?? '', assetActor(principal, address));
  return Response.json({ asset: assetView(asset) });
});
