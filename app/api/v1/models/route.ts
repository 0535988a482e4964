import { apiRoute } from '@/lib/api/route';
import { actorOf, readUpload } from '@/lib/serving/model-admin-api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Every model version (shipped and uploaded) with its source, metrics and whether it serves. */
export const GET = apiRoute({ role: 'viewer' }, async () => {
  const models = getServices().models;
  return Response.json({ active: models.active(), problem: models.problem(), versions: await models.list() });
});

/**
 * Upload a package (multipart: files `model` and `twin`). Checked fully (loader + test
 * prediction) before it is kept: 422 with the loader's reasons, 409 for a name/version that
 * exists. Admins only.
 */
export const POST = apiRoute({ role: 'admin' }, async ({ req, principal }) => {
  const files = await readUpload(req);
  const version = await getServices().models.upload(files, actorOf(principal));
  return Response.json(version, { status: 201 });
});
