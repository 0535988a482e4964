import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Cancels a running backtest (it keeps the progress it had); 404 unknown, 409 already ended. Admins. */
export const POST = apiRoute({ role: 'admin' }, async ({ params, principal }) =>
  Response.json({ backtest: await getServices().backtests.cancel(params.id ?? '', principal.username) }),
);
