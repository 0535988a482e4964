/**
 * Shared pieces of the model endpoints (predict, batch, status, model info): the active model or
 * a 503 saying why there is none, validation errors as API field errors, response shapes that
 * also satisfy the reference service's client (`prediction`, `confidence_interval`, `user`).
 */
import { z } from 'zod';
import { ApiError, type FieldError } from '../api/errors';
import { InputValidationError, type InputIssue, type Prediction, type TwinModel } from '../model';
import { getTwin } from '../services';

/** The model serving now; 503 with the reason while degraded. */
export function activeModel(): TwinModel {
  const twin = getTwin();
  const model = twin.model();
  if (!model)
    throw new ApiError(503, 'model_unavailable', `No model can run: ${twin.modelProblem() ?? 'unknown reason'}`);
  return model;
}

export function issuesToFields(issues: InputIssue[]): FieldError[] {
  return issues.map((i) => ({
    field: i.index === undefined ? i.field || '(body)' : `${i.index}.${i.field || '(item)'}`,
    message: i.message,
  }));
}

/** Runs `fn`, turning the model's input errors into a 400 naming every bad field. */
export async function withInputErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isInputValidationError(err))
      throw new ApiError(400, 'validation_failed', 'The input is invalid', issuesToFields(err.issues));
    // The serving model was taken out of service while this call waited (see model-manager.ts).
    if (err instanceof Error && err.name === 'ModelUnavailableError')
      throw new ApiError(503, 'model_unavailable', err.message);
    throw err;
  }
}

/**
 * By name, not `instanceof`: the model is loaded in the server's module graph while route
 * handlers run in Next's bundle, which has its own copy of the class.
 */
function isInputValidationError(err: unknown): err is InputValidationError {
  return (
    err instanceof InputValidationError ||
    (err instanceof Error && err.name === 'InputValidationError' && Array.isArray((err as InputValidationError).issues))
  );
}

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
