/**
 * The registered model versions: the shipped packages (MODELS_DIR) and the uploaded ones, what
 * each says of itself (twin.json), and loading one by reference. Clustered, uploaded packages are
 * kept in the database too (the vault), so every instance has every upload: a package stored
 * there and missing here is written into this instance's UPLOADED_MODELS_DIR (hash checked) before
 * the versions are listed or one is looked up.
 */
import type { Config } from '../config/env';
import type { Logger } from '../log';
import {
  listAllPackages,
  loadModelPackage,
  materialisePackage,
  readManifest,
  type PackageBytes,
  type SourcedPackageRef,
  type TwinModel,
} from '../model';
import type { ModelAudit } from './model-audit';
import { ModelEntry } from './model-entry';
import { ModelNotFoundError, refKey, type Actor, type ModelRef, type ModelVersionInfo } from './serving-types';

/** Where uploaded packages are kept for the whole cluster (lib/db/model-packages-repo.ts). */
export interface PackageVault {
  /** false: the name and version are taken already. */
  put(pkg: PackageBytes, uploadedBy: string): Promise<boolean>;
  list(): Promise<{ name: string; version: string; sha256: string }[]>;
  get(name: string, version: string): Promise<PackageBytes | null>;
}

export class VersionRegistry {
  private fetching: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: Pick<Config, 'modelsDir' | 'uploadedModelsDir'>,
    private readonly audit: ModelAudit,
    /** Clustered: the database's copy of every upload; otherwise uploads are this instance's files only. */
    readonly vault: PackageVault | null = null,
    private readonly log?: Logger,
  ) {}

  /** Every package, shipped first. */
  async packages(): Promise<SourcedPackageRef[]> {
    await this.fetchMissing();
    return listAllPackages(this.config.modelsDir, this.config.uploadedModelsDir);
  }

  /**
   * Writes the vault's packages this instance lacks into its uploaded directory. One fetch at a
   * time, each after the ones before (so a caller always sees what was stored before it asked).
   * The database being unreachable leaves what is here (logged).
   */
  private fetchMissing(): Promise<void> {
    const vault = this.vault;
    if (!vault) return Promise.resolve();
    const run = this.fetching.then(async () => {
      try {
        const stored = await vault.list();
        if (!stored.length) return;
        const here = new Set(
          (await listAllPackages(this.config.modelsDir, this.config.uploadedModelsDir)).map((p) => refKey(p)),
        );
        for (const ref of stored) {
          if (here.has(refKey(ref))) continue;
          const pkg = await vault.get(ref.name, ref.version);
          if (!pkg) continue;
          try {
            await materialisePackage(this.config.uploadedModelsDir, pkg);
            this.log?.info({ model: refKey(ref) }, 'model package fetched from the database');
          } catch (err) {
            this.log?.error({ err, model: refKey(ref) }, 'model package in the database not usable');
          }
        }
      } catch (err) {
        this.log?.warn({ err }, 'uploaded model packages not fetched from the database');
      }
    });
    this.fetching = run;
    return run;
  }
  async find(ref: ModelRef): Promise<SourcedPackageRef | null> {
    return (await this.packages()).find((p) => p.name === ref.name && p.version === ref.version) ?? null;
  }

  /** Every package with its description, marked with the keys (`name/version`) of what serves. */
  async list(serving: { champion?: string; challenger?: string }): Promise<ModelVersionInfo[]> {
    const refs = await this.packages();
    return Promise.all(
      refs.map(async (r) => {
        const { manifest, problems } = await readManifest(r.dir);
        const key = refKey(r);
        return {
          name: r.name,
          version: r.version,
          source: r.source,
          active: key === serving.champion,
          challenger: key === serving.challenger,
          trainedAt: manifest?.trainedAt ?? null,
          description: manifest?.description ?? '',
          metrics: manifest?.metrics
            ? { r2: manifest.metrics.r2, mae: manifest.metrics.mae, rmse: manifest.metrics.rmse }
            : null,
          features: manifest?.features.map((f) => f.name) ?? [],
          problem: problems.length
            ? problems.map((p) => `${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('; ')
            : null,
        };
      }),
    );
  }

  /** `ref` loaded on a session of its own; the caller disposes it. ModelNotFoundError when there is no such package. */
  async load(ref: ModelRef): Promise<TwinModel> {
    const found = await this.find(ref);
    if (!found) throw new ModelNotFoundError(ref);
    return loadModelPackage(found.dir);
  }

  /** Loads and checks `ref` for serving; audits a refusal under `action`. */
  async loadEntry(ref: ModelRef, actor: Actor, action: string): Promise<ModelEntry> {
    const found = await this.find(ref);
    if (!found) {
      await this.audit(actor, action, ref, 'failure', { reason: 'not found' });
      throw new ModelNotFoundError(ref);
    }
    try {
      return new ModelEntry(await loadModelPackage(found.dir), found.source);
    } catch (err) {
      await this.audit(actor, action, ref, 'failure', { reason: (err as Error).message });
      throw err;
    }
  }
}
