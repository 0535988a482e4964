import { reply } from '@/lib/api/light-http';
import { apiRoute } from '@/lib/api/route';
import { getTwin } from '@/lib/services';
import { modelInfo } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/** Is the twin predicting? `operational`, or `degraded` with the reason (readings still stream). */
export const GET = apiRoute({ role: 'viewer', machine: true }, async ({ principal }) => {
  const twin = getTwin();
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
