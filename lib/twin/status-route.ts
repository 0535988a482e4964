/**
 * `GET /api/v1/twin/status`: is the twin predicting? `operational`, or `degraded` with the reason
 * (readings still stream). Served by Next (app/api/v1/twin/status/route.ts re-exports it) and by
 * the machine fast path.
 */
import { reply } from '../api/light-http';
import { apiRoute } from '../api/route';
import { getServices } from '../services';
import { modelInfo } from '../serving/model-api';

export const twinStatusRoute = apiRoute({ role: 'viewer', machine: true }, async ({ principal }) => {
  const twin = getServices().twin;
  const model = twin.model();
  const stats = twin.pipeline.stats;
  return reply({
    status: model ? 'operational' : 'degraded',
    reason: model ? null : twin.modelProblem(),
    model_info: model ? modelInfo(model) : null,
    pipeline: {
      points: stats.points,
      scored: stats.scored,
      outOfRange: stats.outOfRange,
      unscored: stats.unscored,
      lastInferenceMs: stats.lastInferenceMs,
    },
    assets: twin.catalog().assets.map((a) => a.id),
    user: principal.username,
  });
});
