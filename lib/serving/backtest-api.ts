/** What the backtest routes share: the service from the composition root, the list's query. */
import { z } from 'zod';
import { ApiError } from '../api/errors';
import { getServices } from '../services';
import type { Backtests } from './backtest';

export { backtestRequestSchema } from './backtest';

export function backtests(): Backtests {
  const service = getServices().backtests;
  if (!service) throw new ApiError(503, 'starting', 'The console is still starting; retry in a moment');
  return service;
}

/** `GET /api/v1/models/backtests?limit=&cursor=`: a page, newest first. */
export const backtestListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('jobs per page (1-100, default 20)'),
  cursor: z.string().min(1).max(100).optional().describe('the previous page’s `nextCursor`'),
});
