import { apiRoute } from '@/lib/api/route';
import { abConfigSchema, actorOf } from '@/lib/serving/model-admin-api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The A/B test (champion, challenger and share) and per-version count, mean, latency and MAE. */
export const GET = apiRoute({ role: 'viewer' }, async () => Response.json(getServices().models.ab()));

/** Start (or change) the A/B test: `{name, version, share}` of predictions go to that version. Admins only. */
export const PUT = apiRoute({ role: 'admin', body: abConfigSchema }, async ({ body, principal }) => Response.json(await getServices().models.startAb(body, actorOf(principal))));

/** Stop the A/B test. Admins only. */
export const DELETE = apiRoute({ role: 'admin' }, async ({ principal }) => Response.json(await getServices().models.stopAb(actorOf(principal))));
