import { apiRoute, validationError } from '@/lib/api/route';
import { getServices } from '@/lib/services';
import { historyQuerySchema, queryHistory, queryObject } from '@/lib/twin/history';

export const dynamic = 'force-dynamic';

/** Stored readings and predictions of a range, downsampled in the database to at most maxPoints per signal. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req, params }) => {
  const assetId = params.id ?? '';
  const { assets, repos } = getServices();
  // Retired assets too: their history stays readable. Their extra signals are series like the features.
  const features = (await assets.find(assetId)).signals.map((s) => s.name);
  const parsed = historyQuerySchema(features).safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The history query is invalid');
  const result = await queryHistory(repos.history, assetId, parsed.data, features);
  return Response.json(result, { headers: { 'cache-control': 'no-store' } });
});
