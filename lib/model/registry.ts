/**
 * Finds model packages laid out as <root>/<name>/<version>/twin.json.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE } from './read-manifest';

export interface PackageRef {
  name: string;
  version: string;
  dir: string;
}

/**
 * Every <name>/<version> directory under `rootDir` holding a twin.json, sorted by name, then by
 * version in natural order (1.10.0 after 1.9.0), so the newest version of a name is its last.
 * Lists without loading: a listed package may still fail loadModelPackage. A missing root is
 * an empty list.
 */
export async function listModelPackages(rootDir: string): Promise<PackageRef[]> {
  const refs: PackageRef[] = [];
  for (const name of await subdirectories(rootDir)) {
    for (const version of await subdirectories(path.join(rootDir, name))) {
      const dir = path.join(rootDir, name, version);
      if (await isFile(path.join(dir, MANIFEST_FILE))) refs.push({ name, version, dir });
    }
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return refs.sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.version, b.version));
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
