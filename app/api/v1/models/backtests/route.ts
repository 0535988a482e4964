import { apiRoute } from '@/lib/api/route';
import { backtestRequestSchema } from '@/lib/serving/backtest';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The backtests of this process, newest first. Admins. */
export const GET = apiRoute({ role: 'admin' }, async () => Response.json({ backtests: getServices().backtests.list() }));

/** Starts a backtest of a registered version on one asset's stored history; 202 with the running job. */
export const POST = apiRoute({ role: 'admin', body: backtestRequestSchema }, async ({ body, principal }) =>
  Response.json({ backtest: await getServices().backtests.start(body, principal.username) }, { status: 202 }),
);
