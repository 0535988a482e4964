/**
 * The signed-in user's display theme, for the root layout to put on `<html data-theme>` while
 * rendering on the server: the first paint already has the user's colours (no flash of another
 * theme, no script needed). The default when nobody is signed in (the login page) or the console
 * is still starting.
 */
import { currentUser } from '../auth/session';
import { getServicesOrNull } from '../services';
import { DEFAULT_THEME, type ThemeName } from './themes';

export async function userTheme(): Promise<ThemeName> {
  const users = getServicesOrNull()?.users;
  if (!users) return DEFAULT_THEME;
  try {
    const user = await currentUser();
    return (user && (await users.getTheme(user.id))) || DEFAULT_THEME;
  } catch {
    // A page must render even if the preference cannot be read: it then shows the default.
    return DEFAULT_THEME;
  }
}
