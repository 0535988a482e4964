/**
 * The backtest job as the API, the panel and the repository (lib/db/backtests-repo.ts) see it
 * (issue 19). Types only, so the repository needs nothing else from lib/serving.
 */
import type { BacktestFigures, OverlaySeries } from './backtest-figures';

export type { BacktestFigures, OverlaySeries };

/** What was asked: a registered version, an asset, a range in epoch ms. */
export interface BacktestRequestFields {
  name: string;
  version: string;
  assetId: string;
  from: number;
  to: number;
}

export interface BacktestResult {
  rows: number;
  /** Rows outside the candidate's valid ranges (not scored). */
  skipped: number;
  candidate: BacktestFigures;
  serving: BacktestFigures | null;
  /** Mean |candidate - serving| over the rows both scored. */
  meanAbsDifference: number | null;
  overlay: OverlaySeries;
}

/**
 * `interrupted`: the console stopped while it ran (set at the next start, with the progress it
 * had); `cancelled`: an admin stopped it. `queued` is reserved for jobs waiting their turn.
 */
export type BacktestStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface BacktestJob {
  id: string;
  request: BacktestRequestFields;
  servingVersion: string | null;
  status: BacktestStatus;
  progress: { done: number; total: number };
  startedBy: string;
  startedAt: number;
  finishedAt: number | null;
  /** Why it failed, in words (never a server path). */
  error: string | null;
  result: BacktestResult | null;
}

/** One page of the list, newest first; `nextCursor` (a job id) asks for the next, older page. */
export interface BacktestPage {
  backtests: BacktestJob[];
  nextCursor: string | null;
}
