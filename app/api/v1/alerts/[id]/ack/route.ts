import { validationError, apiRoute } from '@/lib/api/route';
import { alertIdParam, getAlerts, readOptionalJson } from '@/lib/alerts/api';
import { ackSchema } from '@/lib/alerts/schemas';

export const dynamic = 'force-dynamic';

/** Acknowledges an active alert, recording who and when, with an optional comment. Operators and up. */
export const POST = apiRoute({ role: 'operator' }, async ({ req, params, principal, address }) => {
  const id = alertIdParam(params.id);
  const parsed = ackSchema.safeParse(await readOptionalJson(req));
  if (!parsed.success) throw validationError(parsed.error);
  const comment = parsed.data.comment ? parsed.data.comment : null;
  const alert = await getAlerts().acknowledge(id, { username: principal.username, address }, comment);
  return Response.json({ alert });
});
