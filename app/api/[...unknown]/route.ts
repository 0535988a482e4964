import { ApiError } from '@/lib/api/errors';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

/**
 * Any `/api/*` path no route serves: a JSON 404 (Next's would be its HTML page), after the same
 * authentication as the rest of the API, so a caller without a credential learns nothing about
 * which paths exist (401 first). Every method.
 */
const notFound = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const { pathname } = new URL(req.url);
  throw new ApiError(404, 'not_found', `No API operation at ${req.method} ${pathname}; see /api/openapi.json`);
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
