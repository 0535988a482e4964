/**
 * Shared pieces of the model lifecycle endpoints (/api/v1/models/**): request schemas, the
 * multipart upload reader. The lifecycle's errors are `DomainError`s: lib/api/route.ts answers them.
 */
import { z } from 'zod';
import { ApiError, type FieldError } from '../api/errors';
import { readBodyCapped } from '../api/route';
import type { Principal } from '../auth/bearer';
import { abConfigSchema } from './ab-split';
import type { Actor } from './model-manager';

/** Largest upload (model.onnx + twin.json + form overhead). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export const modelRefSchema = z.strictObject({
  name: z.string({ error: 'name is required' }).min(1, 'name is required').max(200),
  version: z.string({ error: 'version is required' }).min(1, 'version is required').max(200),
});

export { abConfigSchema };

export function actorOf(principal: Principal): Actor {
  return { username: principal.username, address: principal.address };
}

/**
 * Reads a multipart/form-data body of at most MAX_UPLOAD_BYTES with the files `model` (ONNX) and
 * `twin` (twin.json): 415 for another content type, 413 when larger, 400 naming a missing file.
 */
export async function readUpload(req: Request): Promise<{ model: Uint8Array; twin: Uint8Array }> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type))
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the package as multipart/form-data with the files "model" (model.onnx) and "twin" (twin.json)',
    );
  const body = await readBodyCapped(req, MAX_UPLOAD_BYTES, tooLarge);
  if (!body)
    throw new ApiError(400, 'validation_failed', 'The form is empty', [
      { field: 'model', message: 'model.onnx is required' },
    ]);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch (err) {
    throw new ApiError(400, 'invalid_form', `The form cannot be read: ${(err as Error).message}`);
  }
  const fields: FieldError[] = [];
  const file = async (name: string, what: string) => {
    const v = form.get(name);
    if (!v || typeof v === 'string') {
      fields.push({ field: name, message: `${what} is required (a file)` });
      return null;
    }
    const bytes = new Uint8Array(await v.arrayBuffer());
    if (bytes.byteLength === 0) fields.push({ field: name, message: `${what} is empty` });
    return bytes;
  };
  const model = await file('model', 'model.onnx');
  const twin = await file('twin', 'twin.json');
  if (fields.length || !model || !twin)
    throw new ApiError(400, 'validation_failed', 'The package is incomplete', fields);
  return { model, twin };
}

function tooLarge(): ApiError {
  return new ApiError(413, 'payload_too_large', `The package is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
}
