/**
 * Adding a version by upload: the package is checked fully (loader + test prediction) and stored
 * beside the others; nothing changes on a refusal. While degraded, a good upload is activated at
 * once (it can run; nothing else can).
 */
import type { Config } from '../config/env';
import type { Logger } from '../log';
import { ModelPackageError, storeUploadedPackage, type TwinModel, type UploadedFiles } from '../model';
import type { Activation } from './activation';
import type { ModelAudit } from './model-audit';
import { ModelEntry } from './model-entry';
import { refKey, type Actor, type ModelRef } from './serving-types';
import type { ServingSettings } from './serving-settings';
import type { VersionRegistry } from './version-registry';

export interface ModelUploadDeps {
  config: Pick<Config, 'uploadedModelsDir'>;
  activation: Activation;
  registry: VersionRegistry;
  settings: ServingSettings;
  audit: ModelAudit;
  log: Logger;
}

/** Checks and stores an uploaded package (audited either way); returns its reference. */
export async function uploadModel(deps: ModelUploadDeps, files: UploadedFiles, actor: Actor): Promise<ModelRef> {
  const { config, activation, registry, settings, audit, log } = deps;
  let stored: { ref: ModelRef; model: TwinModel };
  try {
    stored = await storeUploadedPackage(
      config.uploadedModelsDir,
      files,
      async (name, version) => (await registry.find({ name, version })) !== null,
      // Clustered: kept in the database too, so every instance can serve it.
      registry.vault ? (pkg) => registry.vault!.put(pkg, actor.username) : undefined,
    );
  } catch (err) {
    await audit(actor, 'model.upload', null, 'failure', {
      reason: (err as Error).name,
      ...(err instanceof ModelPackageError
        ? { problems: (err as ModelPackageError).problems }
        : { message: (err as Error).message }),
    });
    throw err;
  }
  const { ref, model } = stored;
  await audit(actor, 'model.upload', ref, 'success', {});
  log.info({ model: refKey(ref), by: actor.username }, 'model uploaded');
  await activation.exclusive(async () => {
    if (activation.state.champion) {
      await model.dispose();
      return;
    }
    await settings.saveActive(ref, actor.username);
    activation.install(new ModelEntry(model, 'uploaded'));
    activation.stored.emit();
    await audit(actor, 'model.activate', ref, 'success', { reason: 'recovered from degraded mode by an upload' });
  });
  return ref;
}
