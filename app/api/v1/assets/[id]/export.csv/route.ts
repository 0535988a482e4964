import { apiRoute, validationError } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { queryObject, rangeQuerySchema } from '@/lib/twin/history';
import { csvExportStream, exportFileName } from '@/lib/twin/history-export';

export const dynamic = 'force-dynamic';

/** Every stored reading and prediction of [from, to] as CSV, streamed page by page. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req, params }) => {
  const twin = getServices().twin;
  const assetId = params.id ?? '';
  if (!twin.pipeline.hasAsset(assetId))
    throw new ApiError(404, 'not_found', `unknown asset "${assetId}"`, [
      { field: 'id', message: `unknown asset "${assetId}"` },
    ]);
  const parsed = rangeQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The export range is invalid');
  const { from, to } = parsed.data;
  const body = csvExportStream(getServices().repos.history, assetId, from, to, twin.catalog());
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName(assetId, from, to)}"`,
      'cache-control': 'no-store',
    },
  });
});
