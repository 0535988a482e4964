import { ApiError } from '@/lib/api/errors';
import { apiRoute, validationError } from '@/lib/api/route';
import { auditQuerySchema } from '@/lib/auth/admin-schemas';
import { auditPageView } from '@/lib/auth/admin-views';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * The audit log, newest first, filtered by actor, action (exact, or a prefix like `user.`),
 * outcome and time range; `cursor` (the previous page's `nextCursor`) pages on.
 */
export const GET = apiRoute({ role: 'admin' }, async ({ req }) => {
  const raw: Record<string, string> = {};
  for (const [k, v] of req.nextUrl.searchParams) {
    if (k in raw)
      throw new ApiError(400, 'validation_failed', 'The request is invalid', [
        { field: k, message: `${k} is given more than once` },
      ]);
    if (v !== '') raw[k] = v;
  }
  const parsed = auditQuerySchema.safeParse(raw);
  if (!parsed.success) {
    // An unknown parameter has no path of its own: name it as the field.
    const unknown = parsed.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : []));
    if (unknown.length)
      throw new ApiError(
        400,
        'validation_failed',
        'The request is invalid',
        unknown.map((k) => ({ field: k, message: `unknown parameter ${k}` })),
      );
    throw validationError(parsed.error);
  }
  const { cursor, ...q } = parsed.data;
  const page = await getServices().audit.page({ ...q, before: cursor });
  return Response.json(auditPageView(page), { headers: { 'cache-control': 'no-store' } });
});
