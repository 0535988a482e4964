import { apiRoute } from '@/lib/api/route';
import { activeModel, modelInfo } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/** The reference service's `GET /model/info` (type, version, features, trained_date, and more). Needs a login. */
export const GET = apiRoute({ role: 'viewer' }, async () => {
  const info = modelInfo(activeModel());
  return Response.json({ ...info, features: info.features.map((f) => f.name), feature_details: info.features });
});
