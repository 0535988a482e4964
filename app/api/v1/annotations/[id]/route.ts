import { apiRoute } from '@/lib/api/route';
import { actorOf } from '@/lib/annotations/api';
import { patchAnnotationSchema } from '@/lib/annotations/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Changes the note or its time (its author only); audited and broadcast. */
export const PATCH = apiRoute(
  { role: 'operator', body: patchAnnotationSchema },
  async ({ params, body, principal, address }) => {
    const annotation = await getServices().annotations.update(params.id ?? '', body, actorOf(principal, address));
    return Response.json({ annotation });
  },
);

/** Removes a note (its author, or an admin); audited and broadcast. */
export const DELETE = apiRoute({ role: 'operator' }, async ({ params, principal, address }) => {
  await getServices().annotations.delete(params.id ?? '', actorOf(principal, address));
  return new Response(null, { status: 204 });
});
