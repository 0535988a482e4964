import { reply } from '@/lib/api/light-http';
import { apiRoute } from '@/lib/api/route';
import { activeModel, modelInfo } from '@/lib/serving/model-api';

export const dynamic = 'force-dynamic';

/** The serving model: version, features with ranges and steps, interval, holdout metrics, limits. */
export const GET = apiRoute({ role: 'viewer', machine: true }, async () => reply(modelInfo(activeModel())));
