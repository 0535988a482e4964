/**
 * Browser calls to the what-if endpoints, through the console's API client (errors come back as
 * its ApiRequestError, with the API's field errors).
 */
import { requestJson, type FieldError } from '../client/api-client';
import type { BatchResult, FeatureValues } from './inputs';
import type { OptimizeResult } from './optimize';

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

export function predict(values: FeatureValues, signal?: AbortSignal): Promise<PredictAnswer> {
  return requestJson<PredictAnswer>('/api/v1/twin/predict', { json: values, signal });
}

export function predictBatch(inputs: FeatureValues[], signal?: AbortSignal): Promise<BatchAnswer> {
  return requestJson<BatchAnswer>('/api/v1/twin/batch', { json: { inputs }, signal });
}

/** The optimizer's result as the API answers it: with the target's unit and the model that ran. */
export interface OptimizeAnswer extends OptimizeResult {
  unit: string;
  model: { name: string; version: string };
}

export interface OptimizeQuery {
  goal: 'maximize' | 'target';
  target?: number;
  from?: FeatureValues;
  bounds?: Record<string, { min?: number; max?: number }>;
}

/** Recommended setpoints (POST /api/v1/twin/optimize). */
export function optimizeSetpoints(query: OptimizeQuery, signal?: AbortSignal): Promise<OptimizeAnswer> {
  return requestJson<OptimizeAnswer>('/api/v1/twin/optimize', { json: query, signal });
}

/** Field errors by feature name (`temperature`), plus the ones naming no known feature. */
export function fieldErrorsByFeature(
  fields: readonly FieldError[],
  featureNames: readonly string[],
): { byFeature: Record<string, string>; other: string[] } {
  const known = new Set(featureNames);
  const byFeature: Record<string, string> = {};
  const other: string[] = [];
  for (const f of fields) {
    if (known.has(f.field)) byFeature[f.field] = byFeature[f.field] ? `${byFeature[f.field]}; ${f.message}` : f.message;
    else other.push(f.message);
  }
  return { byFeature, other };
}
