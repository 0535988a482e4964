import { reply } from '@/lib/api/light-http';
import { apiRoute, readJson, validationError } from '@/lib/api/route';
import { countReferencePrediction, recordPrediction } from '@/lib/metrics';
import { readDomainError } from '@/lib/errors/domain-error';
import { activeModel, predictSchema } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/**
 * The reference microservice's `POST /predict` (../shared/seeds/deploying-digital-twins.txt, 5.2),
 * in its shapes: `{success, result: {prediction, confidence_interval, inference_time_ms,
 * timestamp}, request_id}`, and `{error}` (a sentence, plus the fields) with 400 for bad input.
 * `timestamp` is epoch seconds, as the reference's `time.time()`. Same credentials as the rest of
 * the API (viewers and up); refusals of credentials keep the API's error shape. Served by the
 * machine fast path too, like the other prediction endpoints.
 */
export const POST = apiRoute({ role: 'viewer', machine: true }, async ({ req }) => {
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
