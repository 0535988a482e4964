/**
 * Browser calls to the model lifecycle endpoints (same-origin: the session cookie authenticates).
 * Errors come back as ApiRequestError with the API's code, message and field errors (the
 * loader's reasons for a refused package).
 */
import type { ErrorBody } from '@/lib/api/errors';
import type { DriftReport } from '@/lib/twin/drift';
import type { AbView, ModelRef, ModelVersionInfo } from '@/lib/twin/model-manager';
import { ApiRequestError } from '@/lib/what-if/api';

export type { AbView, DriftReport, ModelRef, ModelVersionInfo };
export { ApiRequestError };

export interface ModelList {
  active: ModelRef | null;
  problem: string | null;
  versions: ModelVersionInfo[];
}

async function send<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as Partial<ErrorBody> | null)?.error;
    if (e && typeof e.message === 'string') throw new ApiRequestError(res.status, e.code, e.message, e.fields ?? []);
    throw new ApiRequestError(res.status, 'http_error', `The server answered ${res.status}`);
  }
  return json as T;
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
