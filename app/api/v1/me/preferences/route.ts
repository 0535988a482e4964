import { apiRoute } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { DEFAULT_THEME, preferencesUpdateSchema, type Preferences } from '@/lib/time/preferences';

export const dynamic = 'force-dynamic';

const noUser = () => new ApiError(404, 'not_found', 'These credentials belong to no user account');

async function read(userId: string): Promise<Preferences> {
  const { users } = getServices();
  const [timeZone, yAxes, theme] = await Promise.all([
    users.getTimeZone(userId),
    users.getChartAxes(userId),
    users.getTheme(userId),
  ]);
  if (timeZone === undefined || yAxes === undefined || theme === undefined) throw noUser();
  return { timeZone, yAxes, theme: theme ?? DEFAULT_THEME };
}

/**
 * The caller's preferences: `{timeZone, yAxes, theme}` (null zone = the browser's; {} = every axis
 * auto; theme dark, light or hmi).
 */
export const GET = apiRoute({ role: 'viewer' }, async ({ principal }) => Response.json(await read(principal.userId)));

/** Sets the preferences named in the body; the others stay as they are. */
export const PUT = apiRoute({ role: 'viewer', body: preferencesUpdateSchema }, async ({ principal, body }) => {
  const { users } = getServices();
  if (body.timeZone !== undefined && !(await users.setTimeZone(principal.userId, body.timeZone))) throw noUser();
  if (body.yAxes !== undefined && !(await users.setChartAxes(principal.userId, body.yAxes))) throw noUser();
  if (body.theme !== undefined && !(await users.setTheme(principal.userId, body.theme))) throw noUser();
  return Response.json(await read(principal.userId));
});
