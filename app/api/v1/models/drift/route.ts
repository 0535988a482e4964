import { apiRoute } from '@/lib/api/route';
import { modelManager } from '@/lib/serving/model-admin-api';

export const dynamic = 'force-dynamic';

/** Per feature: live window mean and spread against training, PSI, out-of-range rate, drifting. */
export const GET = apiRoute({ role: 'viewer' }, async () => Response.json(modelManager().drift() ?? { threshold: null, window: 0, features: [] }));
