import { apiRoute } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { preferencesSchema } from '@/lib/time/preferences';

export const dynamic = 'force-dynamic';

const noUser = () => new ApiError(404, 'not_found', 'These credentials belong to no user account');

/** The caller's preferences: `{timeZone}` (null = the browser's zone). */
export const GET = apiRoute({ role: 'viewer' }, async ({ principal }) => {
  const timeZone = await getServices().users.getTimeZone(principal.userId);
  if (timeZone === undefined) throw noUser();
  return Response.json({ timeZone });
});

/** Sets the caller's preferences. */
export const PUT = apiRoute({ role: 'viewer', body: preferencesSchema }, async ({ principal, body }) => {
  const found = await getServices().users.setTimeZone(principal.userId, body.timeZone);
  if (!found) throw noUser();
  return Response.json({ timeZone: body.timeZone });
});
