/**
 * Browser calls to the model lifecycle endpoints (same-origin: the session cookie authenticates).
 * Errors come back as ApiRequestError with the API's code, message and field errors (the
 * loader's reasons for a refused package).
 */
import type { DriftReport } from '@/lib/twin/drift';
import type { AbView, ModelRef, ModelVersionInfo } from '@/lib/twin/model-manager';
import { ApiRequestError, requestJson as send } from '@/lib/what-if/api';

export type { AbView, DriftReport, ModelRef, ModelVersionInfo };
export { ApiRequestError };

export interface ModelList {
  active: ModelRef | null;
  problem: string | null;
  versions: ModelVersionInfo[];
}

const json = (method: string, body?: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export const fetchModels = () => send<ModelList>('/api/v1/models');
export const fetchAb = () => send<AbView>('/api/v1/models/ab');
export const fetchDrift = () => send<DriftReport>('/api/v1/models/drift');
export const activateModel = (ref: ModelRef) => send<{ changed: boolean; model: ModelRef }>('/api/v1/models/activate', json('POST', ref));
export const startAb = (cfg: ModelRef & { share: number }) => send<AbView>('/api/v1/models/ab', json('PUT', cfg));
export const stopAb = () => send<AbView>('/api/v1/models/ab', { method: 'DELETE' });
export const promoteAb = () => send<{ changed: boolean; model: ModelRef }>('/api/v1/models/ab/promote', { method: 'POST' });

export function uploadModel(model: File, twin: File): Promise<ModelVersionInfo> {
  const form = new FormData();
  form.append('model', model);
  form.append('twin', twin);
  return send<ModelVersionInfo>('/api/v1/models', { method: 'POST', body: form });
}
