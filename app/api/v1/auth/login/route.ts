import { apiRoute } from '@/lib/api/route';
import { ApiError } from '@/lib/api/errors';
import { issueLoginToken } from '@/lib/auth/bearer';
import { loginSchema } from '@/lib/auth/login';
import { getServices } from '@/lib/services';
import { z } from 'zod';

/** The form's schema, strict: next-auth's provider gets extra fields (csrfToken), this API refuses them. */
const tokenRequestSchema = z.strictObject(loginSchema.shape);

export const dynamic = 'force-dynamic';

/**
 * Username + password -> a bearer token valid 24 h, for machine clients. Goes through the same
 * login service as the form (throttling, audit).
 */
export const POST = apiRoute({ role: 'public', body: tokenRequestSchema }, async ({ body, address }) => {
  const services = getServices();
  const result = await services.login.authenticate(body, address, 'api');
  if (!result.ok) {
    if (result.reason === 'throttled')
      throw new ApiError(429, 'too_many_requests', result.message, undefined, {
        'Retry-After': String(result.retryAfterSeconds),
      });
    if (result.reason === 'bad_input')
      throw new ApiError(400, 'validation_failed', result.message, [{ field: result.field, message: result.message }]);
    throw new ApiError(401, 'invalid_credentials', result.message);
  }
  const { token, expiresAt } = await issueLoginToken(result.user, services.authSecret);
  await services.audit.record({
    actor: result.user.username,
    action: 'auth.token',
    outcome: 'success',
    address,
    details: { expiresAt: expiresAt.toISOString() },
  });
  return Response.json(
    {
      token,
      expiresAt: expiresAt.toISOString(),
      user: {
        username: result.user.username,
        name: result.user.displayName ?? result.user.username,
        role: result.user.role,
      },
    },
    { headers: { 'cache-control': 'no-store' } },
  );
});
