import { reply } from '@/lib/api/light-http';
import { apiRoute } from '@/lib/api/route';
import { recordPrediction } from '@/lib/metrics';
import { activeModel, predictionBody, predictSchema } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/** One reading -> prediction with band, model version and inference time. Viewers and up. */
export const POST = apiRoute({ role: 'viewer', body: predictSchema, machine: true }, async ({ body, principal }) => {
  const model = activeModel();
  // Coalesced: concurrent requests share model runs (lib/model/coalescer.ts).
  const result = await model.predict(body, { coalesce: true });
  recordPrediction(result.modelVersion, 1, result.inferenceMs);
  return reply(predictionBody(result, model.manifest.target.unit, principal.username));
});
