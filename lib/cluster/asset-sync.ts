/**
 * The asset registry follows the other instances (issue 15): an asset created, edited (signals,
 * Sparkplug binding) or retired on one instance is published, and every other instance reads it
 * back from the database through its registry, whose listeners then start or stop its stream,
 * refresh signal maps and bindings and tell open consoles (`assets:changed`), as for a change
 * made there. After a Redis outage every asset is read again.
 */
import type { AssetRegistry } from '../assets/asset-registry';
import type { Logger } from '../log';
import type { ClusterEvents } from './events';

export interface AssetSyncDeps {
  events: ClusterEvents;
  registry: Pick<AssetRegistry, 'onChange' | 'reload' | 'reloadAll'>;
  logger: Logger;
}

/** Wires the registry to the other instances. */
export function syncAssets(deps: AssetSyncDeps): void {
  const { events, registry } = deps;
  const log = deps.logger.child({ module: 'asset-sync' });
  registry.onChange(({ asset, origin }) => {
    if (origin === 'local') events.publish({ type: 'asset.changed', assetId: asset.id });
  });
  events.on('asset.changed', ({ assetId }) =>
    registry.reload(assetId).catch((err: unknown) => log.warn({ err, assetId }, 'could not read a changed asset')),
  );
  events.onResync(() =>
    registry.reloadAll().catch((err: unknown) => log.warn({ err }, 'could not read the assets again')),
  );
}
