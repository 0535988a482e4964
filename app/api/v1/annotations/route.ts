import { apiRoute, validationError } from '@/lib/api/route';
import { actorOf } from '@/lib/annotations/api';
import { annotationQuerySchema, createAnnotationSchema } from '@/lib/annotations/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Annotations overlapping `[from, to]`, of one asset (with the plant-wide ones), oldest first. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => {
  const parsed = annotationQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw validationError(parsed.error, 'The query is invalid');
  const annotations = await getServices().annotations.list(parsed.data);
  return Response.json({ annotations }, { headers: { 'cache-control': 'no-store' } });
});

/** A new note on a time or a range; audited and broadcast. */
export const POST = apiRoute(
  { role: 'operator', body: createAnnotationSchema },
  async ({ body, principal, address }) => {
    const annotation = await getServices().annotations.create(body, actorOf(principal, address));
    return Response.json({ annotation }, { status: 201 });
  },
);
