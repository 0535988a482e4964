/**
 * The backtest endpoints in the OpenAPI document (imported by lib/api/operations.ts), with the
 * schema the handler validates with.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { backtestRequestSchema } from './backtest';

const figures = z.object({
  version: z.string(),
  scored: z.number().describe('rows inside the valid ranges'),
  withActual: z.number().describe('of those, rows with a measured value'),
  mae: z.number().nullable(),
  bias: z.number().nullable().describe('mean (prediction - actual)'),
  coverage: z.number().nullable().describe('share of measured values inside the band'),
});
const job = z.object({
  id: z.string(),
  request: backtestRequestSchema,
  servingVersion: z.string().nullable(),
  status: z
    .enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'])
    .describe('`interrupted`: the console stopped while it ran (set at the next start, with its progress)'),
  progress: z.object({ done: z.number(), total: z.number() }),
  startedBy: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable().describe('why it failed, in words'),
  result: z
    .object({
      rows: z.number(),
      skipped: z.number().describe('rows outside the candidate’s valid ranges'),
      candidate: figures,
      serving: figures.nullable(),
      meanAbsDifference: z.number().nullable(),
      overlay: z.object({
        t: z.array(z.number()),
        candidate: z.array(z.number().nullable()),
        serving: z.array(z.number().nullable()),
        actual: z.array(z.number().nullable()),
      }),
    })
    .nullable(),
});

registerOperation({
  method: 'get',
  path: '/api/v1/models/backtests',
  tag: 'models',
  summary: 'Backtests kept in the database, newest first, a page at a time',
  description:
    'Query: `limit` (1-100, default 20) and `cursor` (the previous page’s `nextCursor`, a job id; an unknown one is a 400 naming `cursor`). Jobs survive a restart; one running when the console stopped shows as `interrupted`.',
  role: 'admin',
  responses: {
    200: {
      description: 'A page of backtests',
      schema: z.object({
        backtests: z.array(job),
        nextCursor: z.string().nullable().describe('pass as `cursor` for the next, older page; null on the last'),
      }),
    },
    400: { description: 'Bad `limit` or unknown `cursor` (the field is named)', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/models/backtests',
  tag: 'models',
  summary: 'Backtest a registered version on one asset’s stored history, beside the serving version',
  description:
    'Runs in the background on a session of its own (live scoring is not disturbed); poll `GET /api/v1/models/backtests/{id}`. Figures against the measured values (`actual`) where stored: MAE, bias, band coverage, and the mean difference from the serving version; an overlay of 200 bucket means. `from`/`to` in epoch ms, at most 366 days.',
  role: 'admin',
  body: backtestRequestSchema,
  responses: {
    202: { description: 'Started', schema: z.object({ backtest: job }) },
    400: { description: 'Bad range or unknown asset (the field is named)', schema: errorBodySchema },
    404: { description: 'No such version', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/models/backtests/{id}',
  tag: 'models',
  summary: 'One backtest: progress, then the figures and the overlay',
  role: 'admin',
  params: { id: 'Backtest id (uuid)' },
  responses: {
    200: { description: 'The backtest', schema: z.object({ backtest: job }) },
    404: { description: 'No such backtest', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/models/backtests/{id}/cancel',
  tag: 'models',
  summary: 'Cancel a running backtest',
  description:
    'The background loop stops at its next chunk; the job becomes `cancelled` with the progress it had. Audited (`backtest.cancel`).',
  role: 'admin',
  params: { id: 'Backtest id (uuid)' },
  responses: {
    200: { description: 'The cancelled backtest', schema: z.object({ backtest: job }) },
    404: { description: 'No such backtest', schema: errorBodySchema },
    409: {
      description: 'The backtest has already ended (done, failed, cancelled or interrupted)',
      schema: errorBodySchema,
    },
  },
});
