import { apiRoute, validationError } from '@/lib/api/route';
import { getServices } from '@/lib/services';
import { queryObject, rangeQuerySchema } from '@/lib/twin/history';
import { csvExportStream, exportFileName } from '@/lib/twin/history-export';

export const dynamic = 'force-dynamic';

/** Every stored reading and prediction of [from, to] as CSV, streamed page by page. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req, params }) => {
  const assetId = params.id ?? '';
  const { assets, repos, twin } = getServices();
  // Retired assets too (history stays readable); one column per signal, extra signals included.
  const asset = await assets.find(assetId);
  const parsed = rangeQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The export range is invalid');
  const { from, to } = parsed.data;
  const body = csvExportStream(repos.history, assetId, from, to, {
    signals: asset.signals,
    target: twin.catalog().target,
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName(assetId, from, to)}"`,
      'cache-control': 'no-store',
    },
  });
});
