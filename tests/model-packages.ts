/**
 * Model packages for lifecycle tests: the shipped reactor-yield package copied (or re-versioned),
 * and broken variants. Test-only.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SHIPPED_DIR = path.resolve('models/reactor-yield/1.0.0');
export const SHIPPED_ONNX = readFileSync(path.join(SHIPPED_DIR, 'model.onnx'));
export const SHIPPED_TWIN = JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'twin.json'), 'utf8')) as Record<
  string,
  unknown
> & { version: string; onnx: Record<string, unknown> };

/** The shipped twin.json with `changes` applied (shallow), as bytes. */
export function twinJson(changes: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ ...SHIPPED_TWIN, ...changes }, null, 2));
}

/** Copies the shipped package to <root>/reactor-yield/<version> (with that version in twin.json). */
export function writePackage(root: string, version = '1.0.0', twin: Buffer = twinJson({ version })): string {
  const dir = path.join(root, 'reactor-yield', version);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(SHIPPED_DIR, 'model.onnx'), path.join(dir, 'model.onnx'));
  writeFileSync(path.join(dir, 'twin.json'), twin);
  return dir;
}

/** A multipart form with the files `model` and `twin`. */
export function packageForm(twin: Buffer, model: Buffer = SHIPPED_ONNX): FormData {
  const form = new FormData();
  form.append('model', new Blob([new Uint8Array(model)]), 'model.onnx');
  form.append('twin', new Blob([new Uint8Array(twin)]), 'twin.json');
  return form;
}
