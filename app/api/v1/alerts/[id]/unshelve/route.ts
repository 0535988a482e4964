import { apiRoute } from '@/lib/api/route';
import { alertIdParam } from '@/lib/alerts/api';
import { commentSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * Takes a shelved alarm back by hand (active and acknowledged). Operators; audited, journaled.
 * The body is required JSON (`{}` at least), as for the acknowledgement: a form post is no unshelve.
 */
export const POST = apiRoute(
  { role: 'operator', body: commentSchema },
  async ({ params, body, principal, address }) => {
    const id = alertIdParam(params.id);
    const alert = await getServices().alerts.unshelveAlarm(
      id,
      { username: principal.username, address },
      body.comment || null,
    );
    return Response.json({ alert });
  },
);
