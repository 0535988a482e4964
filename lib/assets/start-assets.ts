/**
 * Wires the asset registry into the console process (issue 15): seeds a new database, loads the
 * live assets, and makes every change take effect at once: the twin streams (or stops) the
 * asset, the stale monitor watches it, the alert engine gets its default rules, and every open
 * console hears `assets:changed` and reloads its asset list.
 */
import type { Config } from '../config/env';
import type { AuditRepo } from '../db/audit-repo';
import type { AssetFields, AssetsRepo } from '../db/assets-repo';
import type { Logger } from '../log';
import { PROCESS_FEATURES } from '../plant/process-model';
import { DEFAULT_ASSETS, plantAssets } from '../plant/simulator';
import type { AssetInfo, SignalInfo } from '../twin/types';
import { AssetRegistry, type AssetChange } from './asset-registry';
import type { Asset } from './types';

/** What the twin's stream and the catalog need of an asset. */
export function toAssetInfo(a: Asset): AssetInfo {
  return {
    id: a.id,
    name: a.name,
    setpoints: a.setpoints,
    source: a.source,
    path: a.path,
    description: a.description,
    extraSignals: a.signals
      .filter((s) => !s.feature)
      .map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max })),
  };
}

/**
 * A new database (no asset was ever registered) gets `ASSET_COUNT` simulated reactors; every
 * start registers the ids of `EXTERNAL_ASSETS` not known yet as ingest-only assets. An id that
 * exists (live, retired, or simulated) is left as it is.
 */
export async function seedAssets(
  repo: AssetsRepo,
  config: Pick<Config, 'ASSET_COUNT' | 'EXTERNAL_ASSETS'>,
  logger?: Logger,
): Promise<number> {
  const seeds: AssetFields[] = [];
  if ((await repo.count()) === 0)
    for (const a of plantAssets(config.ASSET_COUNT))
      seeds.push({
        id: a.id,
        name: a.name,
        path: '',
        description: '',
        source: 'simulator',
        setpoints: a.setpoints,
        signals: [],
      });
  for (const id of config.EXTERNAL_ASSETS) {
    const found = await repo.get(id);
    if (found) {
      if (found.source !== 'external' || found.retiredAt !== null)
        logger?.warn(
          { assetId: id, source: found.source, retired: found.retiredAt !== null },
          'EXTERNAL_ASSETS names an asset the registry already has; left as it is',
        );
      continue;
    }
    seeds.push({ id, name: id, path: '', description: '', source: 'external', setpoints: {}, signals: [] });
  }
  // One statement: instances of a cluster starting together on a new database race here, and an
  // id another instance took first is what this one wanted anyway.
  return repo.insertMissing(seeds);
}

/** Builds the registry on the console's database: seeded, loaded, ready for the twin. */
export async function startAssetRegistry(deps: {
  config: Config;
  repo: AssetsRepo;
  audit: AuditRepo;
  /** The serving model (every asset has its inputs; the plant's own signals while none serves). */
  models: { scorer(): { features: SignalInfo[] } | null };
  logger: Logger;
}): Promise<AssetRegistry> {
  const { repo } = deps;
  const seeded = await seedAssets(repo, deps.config, deps.logger);
  const plant = PROCESS_FEATURES.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max }));
  const registry = new AssetRegistry({
    repo,
    audit: deps.audit,
    features: () => deps.models.scorer()?.features ?? plant,
    defaultSetpoints: DEFAULT_ASSETS[0]!.setpoints,
  });
  await registry.load();
  deps.logger.info({ assets: registry.list().length, seeded }, 'asset registry loaded');
  return registry;
}

/** The parts a change reaches (each optional: a test may start fewer). */
export interface AssetChangeTargets {
  twin: { addAsset(a: AssetInfo): void; removeAsset(id: string): void };
  sources?: { add(id: string): void; remove(id: string): void } | null;
  /** Adds the default alert rules of whatever lacks them (the new asset's). */
  addDefaultRules?: () => Promise<unknown>;
  /** Tells every open console (`assets:changed`). */
  broadcast?: (change: { kind: AssetChange['kind']; id: string }) => void;
  logger: Logger;
}

/** Makes the registry's changes live: stream, stale monitor, alert rules, browsers. */
export function applyAssetChanges(registry: AssetRegistry, t: AssetChangeTargets): void {
  registry.onChange(({ kind, asset }) => {
    if (kind === 'retired') {
      t.twin.removeAsset(asset.id);
      t.sources?.remove(asset.id);
    } else {
      t.twin.addAsset(toAssetInfo(asset));
      if (kind === 'created') t.sources?.add(asset.id);
      t.addDefaultRules?.().catch((err: unknown) =>
        t.logger.error({ err, assetId: asset.id }, 'could not add the default alert rules of an asset'),
      );
    }
    t.broadcast?.({ kind, id: asset.id });
  });
}
