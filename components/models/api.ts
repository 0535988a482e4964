/**
 * Browser calls to the model lifecycle endpoints, through the console's API client. Refusals
 * throw its ApiRequestError with the API's code, message and field errors (the loader's reasons
 * for a refused package).
 */
import type { DriftReport } from '@/lib/serving/drift';
import type { AbView, ModelRef, ModelVersionInfo } from '@/lib/serving/model-manager';
import type { BacktestJob } from '@/lib/serving/backtest';
import { requestJson as send } from '@/lib/client/api-client';

export type { AbView, BacktestJob, DriftReport, ModelRef, ModelVersionInfo };

export interface ModelList {
  active: ModelRef | null;
  problem: string | null;
  versions: ModelVersionInfo[];
}

export const fetchModels = () => send<ModelList>('/api/v1/models');
export const fetchAb = () => send<AbView>('/api/v1/models/ab');
export const fetchDrift = () => send<DriftReport>('/api/v1/models/drift');
export const activateModel = (ref: ModelRef) => send<{ changed: boolean; model: ModelRef }>('/api/v1/models/activate', { json: ref });
export const startAb = (cfg: ModelRef & ({ mode: 'split'; share: number } | { mode: 'shadow' })) => send<AbView>('/api/v1/models/ab', { method: 'PUT', json: cfg });
export const stopAb = () => send<AbView>('/api/v1/models/ab', { method: 'DELETE' });
export const promoteAb = () => send<{ changed: boolean; model: ModelRef }>('/api/v1/models/ab/promote', { method: 'POST' });

export function uploadModel(model: File, twin: File): Promise<ModelVersionInfo> {
  const form = new FormData();
  form.append('model', model);
  form.append('twin', twin);
  return send<ModelVersionInfo>('/api/v1/models', { body: form });
}

export const startBacktest = (req: ModelRef & { assetId: string; from: number; to: number }) =>
  send<{ backtest: BacktestJob }>('/api/v1/models/backtests', { json: req });
export const fetchBacktest = (id: string) =>
  send<{ backtest: BacktestJob }>(`/api/v1/models/backtests/${encodeURIComponent(id)}`);
