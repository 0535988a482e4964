/**
 * The prediction endpoints machine clients call hardest: `POST /api/v1/twin/predict`,
 * `POST /api/v1/twin/batch` and `GET /api/v1/model`. Next serves them through the one-line route
 * files under app/api/v1; the machine fast path (lib/server/machine-api.ts) calls their `machine`
 * entries. Same handler either way.
 */
import { reply } from '../api/light-http';
import { apiRoute, readJson, validationError } from '../api/route';
import { recordPrediction } from '../metrics';
import { getServices } from '../services';
import { activeModel, batchSchema, issuesToFields, modelInfo, predictionBody, predictSchema } from './model-api';

/** One reading -> prediction with band, model version and inference time. Viewers and up. */
export const predictRoute = apiRoute(
  { role: 'viewer', body: predictSchema, machine: true },
  async ({ body, principal }) => {
    const model = activeModel();
    // Coalesced: concurrent requests share model runs (lib/model/coalescer.ts).
    const result = await model.predict(body, { coalesce: true });
    recordPrediction(result.modelVersion, 1, result.inferenceMs);
    return reply(predictionBody(result, model.manifest.target.unit, principal.username));
  },
);

/**
 * Up to MAX_BATCH readings, scored in one model run. Every item gets an answer: `results` holds
 * the scored ones (as the reference service does), `errors` every refused one with its index
 * and reasons. Nothing is dropped silently.
 */
export const batchRoute = apiRoute({ role: 'viewer', machine: true }, async ({ req, principal }) => {
  const parsed = batchSchema(getServices().config.MAX_BATCH).safeParse(await readJson(req));
  if (!parsed.success) throw validationError(parsed.error);
  const model = activeModel();
  const items = await model.predictEach(parsed.data.inputs);
  const results = [];
  const errors = [];
  let inferenceMs = 0;
  for (const item of items) {
    if (item.ok) {
      inferenceMs = item.result.inferenceMs;
      results.push({
        index: item.index,
        input: parsed.data.inputs[item.index],
        prediction: item.result.prediction,
        lower: item.result.lower,
        upper: item.result.upper,
      });
    } else {
      errors.push({ index: item.index, errors: issuesToFields(item.errors.map(({ index: _index, ...rest }) => rest)) });
    }
  }
  if (results.length) recordPrediction(model.manifest.version, results.length, inferenceMs);
  return reply({
    total: items.length,
    successful: results.length,
    failed: errors.length,
    results,
    errors,
    unit: model.manifest.target.unit,
    model: { name: model.manifest.name, version: model.manifest.version },
    inferenceMs,
    user: principal.username,
  });
});

/** The serving model: version, features with ranges and steps, interval, holdout metrics, limits. */
export const modelRoute = apiRoute({ role: 'viewer', machine: true }, async () => reply(modelInfo(activeModel())));
