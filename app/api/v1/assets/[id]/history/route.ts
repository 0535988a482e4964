import { apiRoute, validationError } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { historyQuerySchema, queryHistory, queryObject } from '@/lib/twin/history';

export const dynamic = 'force-dynamic';

/** Stored readings and predictions of a range, downsampled in the database to at most maxPoints per signal. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req, params }) => {
  const twin = getServices().twin;
  const assetId = params.id ?? '';
  if (!twin.pipeline.hasAsset(assetId))
    throw new ApiError(404, 'not_found', `unknown asset "${assetId}"`, [
      { field: 'id', message: `unknown asset "${assetId}"` },
    ]);
  const features = twin.catalog().signals.map((s) => s.name);
  const parsed = historyQuerySchema(features).safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The history query is invalid');
  const result = await queryHistory(getServices().repos.history, assetId, parsed.data, features);
  return Response.json(result, { headers: { 'cache-control': 'no-store' } });
});
