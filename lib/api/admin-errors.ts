/**
 * Maps the administration domain errors to API errors. Matched by `err.name`, never
 * `instanceof`: route handlers are bundled apart from the server that built the services, so the
 * classes may be different copies.
 */
import type { UserAdmin } from '../auth/user-admin';
import { getServices, ServicesNotReadyError } from '../services';
import { ApiError } from './errors';

/** Rethrows a known administration error as the matching 4xx; anything else unchanged. */
export function toAdminApiError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  switch (err.name) {
    case 'UsernameTakenError':
      return new ApiError(409, 'conflict', err.message, [{ field: 'username', message: 'username is already taken' }]);
    case 'UserNotFoundError':
      return new ApiError(404, 'not_found', 'no such user');
    case 'ApiKeyNotFoundError':
      return new ApiError(404, 'not_found', 'no API key with this prefix');
    case 'LastAdminError':
      return new ApiError(409, 'last_admin', 'The last active admin cannot be disabled or demoted');
    case 'UserDisabledError':
      return new ApiError(409, 'user_disabled', err.message, [{ field: 'username', message: err.message }]);
    case 'WrongPasswordError':
      return new ApiError(400, 'wrong_password', 'The current password is wrong', [
        { field: 'currentPassword', message: 'current password is wrong' },
      ]);
    case 'PasswordThrottledError': {
      const wait = (err as Error & { retryAfterSeconds?: number }).retryAfterSeconds ?? 60;
      return new ApiError(429, 'too_many_requests', err.message, undefined, { 'Retry-After': String(wait) });
    }
    default:
      return err;
  }
}

/** Runs an administration action, turning its domain errors into API errors. */
export async function adminAction<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdminApiError(err);
  }
}

/** The administration service of the running console. */
export function userAdmin(): UserAdmin {
  const admin = getServices().admin;
  if (!admin) throw new ServicesNotReadyError();
  return admin;
}
