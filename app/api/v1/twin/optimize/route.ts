import { reply } from '@/lib/api/light-http';
import { apiRoute } from '@/lib/api/route';
import { activeModel } from '@/lib/serving/model-api';
import { optimizeFor, optimizeSchema } from '@/lib/what-if/optimize-api';

export const dynamic = 'force-dynamic';

/**
 * Recommended setpoints: the operating point that maximizes the predicted target, or reaches a
 * target with the least change from the live values, within the valid ranges and optional
 * operator bounds (lib/what-if/optimize.ts; about 12,000 rows in a few batch runs).
 */
export const POST = apiRoute({ role: 'viewer', body: optimizeSchema }, async ({ body, principal }) => {
  const model = activeModel();
  const result = await optimizeFor(model, body);
  return reply({
    ...result,
    unit: model.manifest.target.unit,
    model: { name: model.manifest.name, version: model.manifest.version },
    user: principal.username,
  });
});
