/** The query of `GET /api/v1/models/backtests?limit=&cursor=`: a page of stored jobs, newest first. */
import { z } from 'zod';

export const backtestListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('jobs per page (1-100, default 20)'),
  cursor: z.string().min(1).max(100).optional().describe('the previous page’s `nextCursor`'),
});
