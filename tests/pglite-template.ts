/**
 * A migrated, empty embedded database to copy instead of creating one per test console.
 * Creating a PGlite directory and applying the migrations takes ~5 s on these machines; copying a
 * directory that already went through exactly that takes ~0.1 s. The console started on the copy
 * still does everything a first start does (it seeds by what the tables hold, not by how the
 * directory came to be).
 *
 * The template lives in the system's temporary directory under a name that hashes the migration
 * files and the PGlite version, so a change to either makes a new one; it is built once per
 * machine (in a directory of its own, then renamed into place, so concurrent test runs never see
 * half of one).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/client';

const MIGRATIONS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'lib', 'db', 'migrations');

function templateKey(): string {
  const hash = createHash('sha256');
  // The package's main entry is <root>/dist/...; its package.json is not exported, so read it by path.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`));
  hash.update((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      hash.update(path.relative(MIGRATIONS_DIR, full));
      if (entry.isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  walk(MIGRATIONS_DIR);
  return hash.digest('hex').slice(0, 16);
}

let ready: Promise<string> | null = null;

/** The template's directory (a PGlite data directory), built on first use. */
function templateDir(): Promise<string> {
  ready ??= (async () => {
    const dir = path.join(os.tmpdir(), `twinops-pglite-template-${templateKey()}`);
    if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
    const building = mkdtempSync(`${dir}-building-`);
    const database = await openDatabase({ pgliteDir: path.join(building, 'pglite') });
    await database.close();
    try {
      renameSync(path.join(building, 'pglite'), dir);
    } catch (err) {
      // Another run put its own in place meanwhile: the same migrations, so use that one.
      if (!existsSync(path.join(dir, 'PG_VERSION'))) throw err;
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
    return dir;
  })();
  return ready;
}

/** Fills `dataDir/pglite` with a copy of the migrated template (as a console's first start would find it). */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  cpSync(await templateDir(), path.join(dataDir, 'pglite'), { recursive: true });
}
