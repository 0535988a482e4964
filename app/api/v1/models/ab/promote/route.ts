import { apiRoute } from '@/lib/api/route';
import { actorOf, modelManager } from '@/lib/serving/model-admin-api';

export const dynamic = 'force-dynamic';

/** Make the A/B challenger the serving version and end the test. Admins only. */
export const POST = apiRoute({ role: 'admin' }, async ({ principal }) => Response.json(await modelManager().promote(actorOf(principal))));
