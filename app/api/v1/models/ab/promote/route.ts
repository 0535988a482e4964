import { apiRoute } from '@/lib/api/route';
import { actorOf } from '@/lib/serving/model-admin-api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Make the A/B challenger the serving version and end the test. Admins only. */
export const POST = apiRoute({ role: 'admin' }, async ({ principal }) => Response.json(await getServices().models.promote(actorOf(principal))));
