/** What the backtest routes share: the service from the composition root. */
import { ApiError } from '../api/errors';
import { getServices } from '../services';
import type { Backtests } from './backtest';

export { backtestRequestSchema } from './backtest';

export function backtests(): Backtests {
  const service = getServices().backtests;
  if (!service) throw new ApiError(503, 'starting', 'The console is still starting; retry in a moment');
  return service;
}
