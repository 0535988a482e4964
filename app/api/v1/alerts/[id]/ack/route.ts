import { apiRoute } from '@/lib/api/route';
import { alertIdParam } from '@/lib/alerts/api';
import { ackSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * Acknowledges an active alert, recording who and when, with an optional comment. Operators and
 * up. The body is required JSON (`{}` at least): an empty or form-encoded POST, which any page
 * can send without a preflight, is not an acknowledgement (issue 14).
 */
export const POST = apiRoute({ role: 'operator', body: ackSchema }, async ({ body, params, principal, address }) => {
  const id = alertIdParam(params.id);
  const comment = body.comment ? body.comment : null;
  const alert = await getServices().alerts.acknowledge(id, { username: principal.username, address }, comment);
  return Response.json({ alert });
});
