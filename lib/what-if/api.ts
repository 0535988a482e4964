/**
 * Browser calls to the model endpoints (same-origin, so the session cookie authenticates them).
 * Errors come back as ApiRequestError carrying the API's `{error: {code, message, fields}}`.
 */
import type { ErrorBody, FieldError } from '../api/errors';
import type { BatchResult, FeatureValues } from './inputs';

export interface PredictAnswer {
  prediction: number;
  lower: number | null;
  upper: number | null;
  unit: string;
  model: { name: string; version: string };
  inferenceMs: number;
}

export interface BatchAnswer {
  results: BatchResult[];
  errors: { index: number; errors: FieldError[] }[];
  inferenceMs: number;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  const e = (body as Partial<ErrorBody> | null)?.error;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

/**
 * One same-origin call to the console's JSON API: the parsed answer, or an ApiRequestError with
 * the API's code, message and field errors. Also used by the model lifecycle pages.
 */
export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    if (isErrorBody(json)) throw new ApiRequestError(res.status, json.error.code, json.error.message, json.error.fields ?? []);
    throw new ApiRequestError(res.status, 'http_error', `The server answered ${res.status}`);
  }
  return json as T;
}

function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
}

export function predict(values: FeatureValues, signal?: AbortSignal): Promise<PredictAnswer> {
  return postJson<PredictAnswer>('/api/v1/twin/predict', values, signal);
}

export function predictBatch(inputs: FeatureValues[], signal?: AbortSignal): Promise<BatchAnswer> {
  return postJson<BatchAnswer>('/api/v1/twin/batch', { inputs }, signal);
}

/** Field errors by feature name (`temperature`), plus the ones naming no known feature. */
export function fieldErrorsByFeature(fields: readonly FieldError[], featureNames: readonly string[]): { byFeature: Record<string, string>; other: string[] } {
  const known = new Set(featureNames);
  const byFeature: Record<string, string> = {};
  const other: string[] = [];
  for (const f of fields) {
    if (known.has(f.field)) byFeature[f.field] = byFeature[f.field] ? `${byFeature[f.field]}; ${f.message}` : f.message;
    else other.push(f.message);
  }
  return { byFeature, other };
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof Error && err.name === 'AbortError') return 'cancelled';
  return 'The server could not be reached';
}
