/**
 * Admin-uploaded model packages: checked fully before anything is kept, then stored as
 * <root>/<name>/<version>/ beside the shipped ones. A refused upload leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE } from './read-manifest';
import type { PackageRef } from './registry';
import { listModelPackages } from './registry';
import { loadModelPackage, type TwinModel } from './twin-model';
import { DomainError } from '../errors/domain-error';

export interface UploadedFiles {
  /** The ONNX graph (stored under the name twin.json gives in onnx.file, model.onnx by default). */
  model: Uint8Array;
  /** twin.json as uploaded. */
  twin: Uint8Array;
}

export type PackageSource = 'shipped' | 'uploaded';

export interface SourcedPackageRef extends PackageRef {
  source: PackageSource;
}

/** The name/version is already taken (shipped or uploaded); versions are immutable. */
export class PackageExistsError extends DomainError {
  constructor(
    readonly packageName: string,
    readonly version: string,
  ) {
    super({
      status: 409,
      code: 'model_exists',
      message: `model ${packageName} ${version} already exists; upload it under a new version`,
    });
    this.name = 'PackageExistsError';
  }
}

/**
 * Shipped packages (MODELS_DIR) then uploaded ones, each sorted by name and natural version.
 * A name/version present in both (only possible by hand) is listed once, as shipped.
 */
export async function listAllPackages(shippedDir: string, uploadedDir: string): Promise<SourcedPackageRef[]> {
  const shipped = (await listModelPackages(shippedDir)).map((r) => ({ ...r, source: 'shipped' as const }));
  const seen = new Set(shipped.map((r) => `${r.name}/${r.version}`));
  const uploaded = (await listModelPackages(uploadedDir))
    .filter((r) => !seen.has(`${r.name}/${r.version}`))
    .map((r) => ({ ...r, source: 'uploaded' as const }));
  return [...shipped, ...uploaded];
}

/**
 * Writes the files to a staging directory under `root`, loads them with the model loader
 * (twin.json schema, ONNX graph against it, one test prediction) and only then moves the
 * directory to <root>/<name>/<version> (one rename on the same file system, so a half-written
 * package is never visible). Throws ModelPackageError with the loader's problems, or
 * PackageExistsError when `taken(name, version)` or the target directory says so. The caller
 * owns the returned model (keep it or dispose it).
 */
export async function storeUploadedPackage(
  root: string,
  files: UploadedFiles,
  taken: (name: string, version: string) => Promise<boolean>,
): Promise<{ ref: PackageRef; model: TwinModel }> {
  const staging = path.join(root, `.upload-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  let model: TwinModel | null = null;
  try {
    await writeFile(path.join(staging, MANIFEST_FILE), files.twin);
    await writeFile(path.join(staging, onnxFileName(files.twin)), files.model);
    model = await loadModelPackage(staging);
    const { name, version } = model.manifest;
    if (await taken(name, version)) throw new PackageExistsError(name, version);
    const dir = path.join(root, name, version);
    const nameDir = path.dirname(dir);
    await mkdir(nameDir, { recursive: true });
    try {
      await rename(staging, dir);
    } catch (e) {
      // A refused upload leaves no directory behind: drop the name's directory if this made it empty.
      await rmdir(nameDir).catch(() => {});
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') throw new PackageExistsError(name, version);
      throw e;
    }
    // The session read the file at load; reload from the final place so `dir` is true.
    await model.dispose();
    model = null;
    return { ref: { name, version, dir }, model: await loadModelPackage(dir) };
  } catch (e) {
    await model?.dispose();
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

/** The file name twin.json asks for (when it says one that is safe), else model.onnx. */
function onnxFileName(twin: Uint8Array): string {
  try {
    const json = JSON.parse(Buffer.from(twin).toString('utf8')) as { onnx?: { file?: unknown } };
    const file = json.onnx?.file;
    if (typeof file === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\.onnx$/.test(file)) return file;
  } catch {
    // the loader reports the broken JSON
  }
  return 'model.onnx';
}
