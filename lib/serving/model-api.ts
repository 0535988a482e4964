/**
 * Shared pieces of the model endpoints (predict, batch, status, model info): the active model or
 * a 503 saying why there is none, response shapes that
 * also satisfy the reference service's client (`prediction`, `confidence_interval`, `user`).
 */
import { z } from 'zod';
import { ApiError } from '../api/errors';
import { issuesToFields, type Prediction, type TwinModel } from '../model';
import { getServices } from '../services';

/** The model serving now; 503 with the reason while degraded. */
export function activeModel(): TwinModel {
  const twin = getServices().twin;
  const model = twin.model();
  if (!model)
    throw new ApiError(503, 'model_unavailable', `No model can run: ${twin.modelProblem() ?? 'unknown reason'}`);
  return model;
}

export { issuesToFields };

export function predictionBody(p: Prediction, unit: string, user: string) {
  return {
    prediction: p.prediction,
    lower: p.lower,
    upper: p.upper,
    // The reference service's name for the band.
    confidence_interval: p.lower === null || p.upper === null ? null : [p.lower, p.upper],
    unit,
    model: { name: p.modelName, version: p.modelVersion },
    inferenceMs: p.inferenceMs,
    timestamp: new Date().toISOString(),
    user,
  };
}

/** A reading to score: feature name -> number (checked against twin.json by the model). */
export const predictSchema = z.record(z.string(), z.unknown(), {
  error: 'send a JSON object of feature values, e.g. {"temperature": 360, "pressure": 6, "flow": 100}',
});

export function batchSchema(maxBatch: number) {
  return z.strictObject({
    inputs: z
      .array(z.unknown(), { error: 'inputs must be an array of readings' })
      .min(1, 'send at least one input')
      .max(maxBatch, `at most ${maxBatch} inputs per request`),
  });
}

/** What `GET /api/v1/model` and the reference's `/model/info` tell about a model. */
export function modelInfo(model: TwinModel) {
  const m = model.manifest;
  return {
    name: m.name,
    version: m.version,
    trainedAt: m.trainedAt,
    description: m.description,
    target: m.target,
    features: m.features,
    interval: m.interval,
    metrics: m.metrics ?? null,
    alerts: m.alerts,
    // Reference field names.
    type: m.training?.source ?? 'onnx',
    trained_date: m.trainedAt,
  };
}
