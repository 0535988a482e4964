/**
 * Admin-uploaded model packages: checked fully before anything is kept, then stored as
 * <root>/<name>/<version>/ beside the shipped ones. A refused upload leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
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
  /**
   * Clustered: keeps the checked package for every instance (the database) before it becomes
   * visible here; false means the name and version were taken meanwhile (PackageExistsError).
   */
  keep?: (pkg: PackageBytes) => Promise<boolean>,
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
    const onnxFile = onnxFileName(files.twin);
    if (keep && !(await keep({ name, version, sha256: packageHash(files), onnxFile, ...files })))
      throw new PackageExistsError(name, version);
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

/** Names that may become a directory (a slug, as twin.json's schema demands) and ONNX file names. */
const SAFE_SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
const SAFE_ONNX = /^[A-Za-z0-9][A-Za-z0-9._-]*\.onnx$/;

/** A package as bytes with its hash: what the database keeps (lib/db/model-packages-repo.ts). */
export interface PackageBytes {
  name: string;
  version: string;
  /** packageHash of twin and model. */
  sha256: string;
  onnxFile: string;
  twin: Uint8Array;
  model: Uint8Array;
}

/** Hex SHA-256 over both files (twin.json's length first, so no two splits of the bytes agree). */
export function packageHash(files: UploadedFiles): string {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(files.twin.length));
  return createHash('sha256')
    .update('twinops-package-v1\0')
    .update(length)
    .update(files.twin)
    .update(files.model)
    .digest('hex');
}

/** The stored package's bytes do not match its hash: it is not written anywhere. */
export class PackageHashError extends Error {
  constructor(
    readonly packageName: string,
    readonly version: string,
  ) {
    super(`model ${packageName} ${version}: stored bytes do not match their hash; not used`);
    this.name = 'PackageHashError';
  }
}

/**
 * Writes a package kept in the database into <root>/<name>/<version> (clustered mode: uploaded
 * through another instance), after checking its hash; staged and renamed like an upload, so a
 * half-written package is never visible. A package already there is left as it is.
 */
export async function materialisePackage(root: string, pkg: PackageBytes): Promise<void> {
  if (packageHash(pkg) !== pkg.sha256) throw new PackageHashError(pkg.name, pkg.version);
  if (!SAFE_SEGMENT.test(pkg.name) || !SAFE_SEGMENT.test(pkg.version) || !SAFE_ONNX.test(pkg.onnxFile))
    throw new PackageHashError(pkg.name, pkg.version);
  const staging = path.join(root, `.fetch-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(path.join(staging, MANIFEST_FILE), pkg.twin);
    await writeFile(path.join(staging, pkg.onnxFile), pkg.model);
    const dir = path.join(root, pkg.name, pkg.version);
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(staging, dir).catch((e: NodeJS.ErrnoException) => {
      // Written meanwhile by a concurrent fetch: the same bytes (versions are immutable).
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST' && e.code !== 'EPERM') throw e;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The file name twin.json asks for (when it says one that is safe), else model.onnx. */
function onnxFileName(twin: Uint8Array): string {
  try {
    const json = JSON.parse(Buffer.from(twin).toString('utf8')) as { onnx?: { file?: unknown } };
    const file = json.onnx?.file;
    if (typeof file === 'string' && SAFE_ONNX.test(file)) return file;
  } catch {
    // the loader reports the broken JSON
  }
  return 'model.onnx';
}
