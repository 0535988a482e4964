/**
 * Reads and checks a package's twin.json, turning every failure into located problems.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackageProblem } from './errors';
import { jsonErrorPosition } from './json-error-position';
import { fieldPath, twinManifestSchema, type TwinManifest } from './manifest';

export const MANIFEST_FILE = 'twin.json';

/** The manifest, or null with the problems that prevent reading it. */
export async function readManifest(
  dir: string,
): Promise<{ manifest: TwinManifest | null; problems: PackageProblem[] }> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    return { manifest: null, problems: [{ file: MANIFEST_FILE, field: '', message: fileError(e) }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      manifest: null,
      problems: [{ file: MANIFEST_FILE, field: '', message: `is not valid JSON: ${jsonError(e, text)}` }],
    };
  }
  const parsed = twinManifestSchema.safeParse(json);
  if (!parsed.success) {
    return {
      manifest: null,
      problems: parsed.error.issues.map((issue) => ({
        file: MANIFEST_FILE,
        field: fieldPath(issue.path),
        message: issue.message,
      })),
    };
  }
  return { manifest: parsed.data, problems: [] };
}

/** "missing" for ENOENT, the system message otherwise. */
export function fileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'is missing';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot be read (${(e as Error).message})`;
}

/** V8's message on one line, with the line and column of the first syntax error. */
function jsonError(e: unknown, text: string): string {
  const message = (e as Error).message.replace(/\s+/g, ' ');
  const at = jsonErrorPosition(text);
  return at ? `${message} (line ${at.line} column ${at.column})` : message;
}
