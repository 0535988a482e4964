import { ApiError } from '@/lib/api/errors';
import { apiRoute, validationError } from '@/lib/api/route';
import { backtestRequestSchema } from '@/lib/serving/backtest';
import { backtestListQuerySchema } from '@/lib/serving/backtest-query';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The backtests kept in the database, newest first, a page at a time (`limit`, `cursor`). Admins. */
export const GET = apiRoute({ role: 'admin' }, async ({ req }) => {
  const parsed = backtestListQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error);
  const page = await getServices().backtests.list(parsed.data.limit, parsed.data.cursor);
  if (!page)
    throw new ApiError(400, 'validation_failed', 'The request is invalid', [
      { field: 'cursor', message: 'no backtest with this id' },
    ]);
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});

/** Starts a backtest of a registered version on one asset's stored history; 202 with the running job. */
export const POST = apiRoute({ role: 'admin', body: backtestRequestSchema }, async ({ body, principal }) =>
  Response.json({ backtest: await getServices().backtests.start(body, principal.username) }, { status: 202 }),
);
