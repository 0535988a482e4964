import { apiRoute } from '@/lib/api/route';
import { openApiDocument } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document, generated from the handlers' zod schemas. */
export const GET = apiRoute({ role: 'viewer' }, async ({ req }) => Response.json(openApiDocument(req.nextUrl.origin)));
