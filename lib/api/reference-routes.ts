/**
 * The reference microservice's own endpoints (../shared/seeds/deploying-digital-twins.txt, 5.2),
 * in its shapes, behind the API's credentials (viewers and up): `POST /predict` and `GET /metrics`.
 * Next serves them through app/predict/route.ts and app/metrics/route.ts (one-line re-exports);
 * the machine fast path calls their `machine` entries. Their OpenAPI entries are in
 * ./reference-operations.ts.
 */
import { reply } from './light-http';
import { apiRoute, readJson, validationError } from './route';
import { countReferencePrediction, recordPrediction, referencePredictionCount } from '../metrics';
import { readDomainError } from '../errors/domain-error';
import { getServices } from '../services';
import { activeModel, predictSchema } from '../serving/model-api';

/**
 * `POST /predict`: `{success, result: {prediction, confidence_interval, inference_time_ms,
 * timestamp}, request_id}`, and `{error}` (a sentence, plus the fields) with 400 for bad input.
 * `timestamp` is epoch seconds, as the reference's `time.time()`. Refusals of credentials keep the
 * API's error shape.
 */
export const referencePredictRoute = apiRoute({ role: 'viewer', machine: true }, async ({ req }) => {
  try {
    const parsed = predictSchema.safeParse(await readJson(req));
    if (!parsed.success) throw validationError(parsed.error);
    const model = activeModel();
    const p = await model.predict(parsed.data, { coalesce: true });
    recordPrediction(p.modelVersion, 1, p.inferenceMs);
    return reply({
      success: true,
      result: {
        prediction: p.prediction,
        confidence_interval: p.lower === null || p.upper === null ? null : [p.lower, p.upper],
        inference_time_ms: p.inferenceMs,
        timestamp: Date.now() / 1000,
      },
      request_id: countReferencePrediction(),
    });
  } catch (err) {
    // Every refusal of the request itself (400, 413, 415, 503 without a model) in the reference shape.
    const e = readDomainError(err);
    if (!e) throw err;
    const details = e.fields?.map((f) => f.message).join('; ');
    return reply(
      { error: details ? `${e.message}: ${details}` : e.message, ...(e.fields ? { fields: e.fields } : {}) },
      { status: e.status, headers: e.headers },
    );
  }
});

/**
 * `GET /metrics`: `{total_requests, model_version, uptime_seconds}` with real values (answered
 * `POST /predict` calls since start, the serving model's version or null while degraded, seconds
 * since the console started). The Prometheus text stays at `/api/metrics`.
 */
export const referenceMetricsRoute = apiRoute({ role: 'viewer', machine: true }, async () => {
  const { twin, startedAt } = getServices();
  return reply(
    {
      total_requests: referencePredictionCount(),
      model_version: twin.model()?.manifest.version ?? null,
      uptime_seconds: (Date.now() - startedAt.getTime()) / 1000,
    },
    { headers: { 'cache-control': 'no-store' } },
  );
});
