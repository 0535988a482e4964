import { apiRoute } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { preferencesUpdateSchema, type Preferences } from '@/lib/time/preferences';

export const dynamic = 'force-dynamic';

const noUser = () => new ApiError(404, 'not_found', 'These credentials belong to no user account');

async function read(userId: string): Promise<Preferences> {
  const { users } = getServices();
  const [timeZone, yAxes] = await Promise.all([users.getTimeZone(userId), users.getChartAxes(userId)]);
  if (timeZone === undefined || yAxes === undefined) throw noUser();
  return { timeZone, yAxes };
}

/** The caller's preferences: `{timeZone, yAxes}` (null zone = the browser's; {} = every axis auto). */
export const GET = apiRoute({ role: 'viewer' }, async ({ principal }) => Response.json(await read(principal.userId)));

/** Sets the preferences named in the body; the others stay as they are. */
export const PUT = apiRoute({ role: 'viewer', body: preferencesUpdateSchema }, async ({ principal, body }) => {
  const { users } = getServices();
  if (body.timeZone !== undefined && !(await users.setTimeZone(principal.userId, body.timeZone))) throw noUser();
  if (body.yAxes !== undefined && !(await users.setChartAxes(principal.userId, body.yAxes))) throw noUser();
  return Response.json(await read(principal.userId));
});
