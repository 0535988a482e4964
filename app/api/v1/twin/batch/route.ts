import { reply } from '@/lib/api/light-http';
import { apiRoute, readJson, validationError } from '@/lib/api/route';
import { recordPrediction } from '@/lib/metrics';
import { getServices } from '@/lib/services';
import { activeModel, batchSchema, issuesToFields } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/**
 * Up to MAX_BATCH readings, scored in one model run. Every item gets an answer: `results` holds
 * the scored ones (as the reference service does), `errors` every refused one with its index
 * and reasons. Nothing is dropped silently.
 */
export const POST = apiRoute({ role: 'viewer', machine: true }, async ({ req, principal }) => {
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
