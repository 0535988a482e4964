import { apiRoute } from '@/lib/api/route';
import { abConfigSchema, actorOf, modelManager } from '@/lib/serving/model-admin-api';

export const dynamic = 'force-dynamic';

/** The A/B test (champion, challenger and share) and per-version count, mean, latency and MAE. */
export const GET = apiRoute({ role: 'viewer' }, async () => Response.json(modelManager().ab()));

/** Start (or change) the A/B test: `{name, version, share}` of predictions go to that version. Admins only. */
export const PUT = apiRoute({ role: 'admin', body: abConfigSchema }, async ({ body, principal }) => Response.json(await modelManager().startAb(body, actorOf(principal))));

/** Stop the A/B test. Admins only. */
export const DELETE = apiRoute({ role: 'admin' }, async ({ principal }) => Response.json(await modelManager().stopAb(actorOf(principal))));
