import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** One backtest: progress while it runs, the figures and the overlay once done. Admins. */
export const GET = apiRoute({ role: 'admin' }, async ({ params }) =>
  Response.json({ backtest: getServices().backtests.get(params.id ?? '') }),
);
