/**
 * The registered model versions: the shipped packages (MODELS_DIR) and the uploaded ones, what
 * each says of itself (twin.json), and loading one by reference.
 */
import type { Config } from '../config/env';
import { listAllPackages, loadModelPackage, readManifest, type SourcedPackageRef, type TwinModel } from '../model';
import type { ModelAudit } from './model-audit';
import { ModelEntry } from './model-entry';
import { ModelNotFoundError, refKey, type Actor, type ModelRef, type ModelVersionInfo } from './serving-types';

export class VersionRegistry {
  constructor(
    private readonly config: Pick<Config, 'modelsDir' | 'uploadedModelsDir'>,
    private readonly audit: ModelAudit,
  ) {}

  /** Every package, shipped first. */
  packages(): Promise<SourcedPackageRef[]> {
    return listAllPackages(this.config.modelsDir, this.config.uploadedModelsDir);
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
