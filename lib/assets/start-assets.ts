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
import { bindingKey, type Asset } from './types';

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
        sparkplug: null,
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
    seeds.push({
      id,
      name: id,
      path: '',
      description: '',
      source: 'external',
      setpoints: {},
      signals: [],
      sparkplug: null,
    });
  }
  // One statement: instances of a cluster starting together on a new database race here, and an
  // id another instance took first is what this one wanted anyway.
  return repo.insertMissing(seeds);
}

/**
 * `SPARKPLUG_BINDINGS` (deprecated: bindings live in the registry now) seeds the registry: each
 * `group/edge/device=assetId` binds its asset when that asset is live and has no binding yet and
 * no other live asset has the device. Anything else is logged and left as it is, so the registry
 * (Admin -> Assets) always wins over the environment. Returns the ids bound now.
 */
export async function seedBindings(repo: AssetsRepo, entries: readonly string[], logger?: Logger): Promise<string[]> {
  const bound: string[] = [];
  for (const entry of entries) {
    const [path = '', assetId = ''] = entry.split('=').map((p) => p.trim());
    const [group = '', edge = '', device = ''] = path.split('/');
    const binding = { group, edge, device };
    const asset = await repo.get(assetId);
    if (!asset || asset.retiredAt !== null) {
      logger?.warn({ binding: path, assetId }, 'SPARKPLUG_BINDINGS names no live asset; binding ignored');
      continue;
    }
    if (asset.sparkplug) {
      if (bindingKey(asset.sparkplug) !== path)
        logger?.warn(
          { binding: path, assetId, registry: bindingKey(asset.sparkplug) },
          'SPARKPLUG_BINDINGS differs from the registry; the registry wins',
        );
      continue;
    }
    if (await repo.bindIfUnbound(assetId, binding)) {
      bound.push(assetId);
      logger?.info(
        { binding: path, assetId },
        'SPARKPLUG_BINDINGS seeded a binding into the asset registry (manage it in Admin -> Assets from now on)',
      );
    } else
      logger?.warn({ binding: path, assetId }, 'SPARKPLUG_BINDINGS: the device is bound to another asset; ignored');
  }
  return bound;
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
  await seedBindings(repo, deps.config.SPARKPLUG_BINDINGS, deps.logger);
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
  /** Clustered: mirror a new asset, take or give back its lease now (lib/cluster/start-cluster.ts). */
  cluster?: { assetsChanged(change: { kind: AssetChange['kind']; id: string }): void };
  logger: Logger;
}

/**
 * Makes the registry's changes live: stream, stale monitor, alert rules, browsers. Changes read
 * back from another instance (`remote`) apply the same way: this instance streams, mirrors or
 * stops the asset like the one that made the change.
 */
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
    t.cluster?.assetsChanged({ kind, id: asset.id });
    t.broadcast?.({ kind, id: asset.id });
  });
}
