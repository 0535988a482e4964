import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Per feature: live window mean and spread against training, PSI, out-of-range rate, drifting. */
export const GET = apiRoute({ role: 'viewer' }, async () => Response.json(getServices().models.drift() ?? { threshold: null, window: 0, features: [] }));
