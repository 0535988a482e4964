/**
 * Sparkplug B ingest follows the asset registry's bindings live (issue 15): after every registry
 * change (here or, read back, on another instance) the handler re-resolves the devices it knows;
 * a device that now feeds another asset is forgotten and its node asked for births (NCMD
 * `Node Control/Rebirth`), so its next DBIRTH/DDATA goes to the new asset with aliases and values
 * learnt afresh. Only the instance that made the change asks (every instance sees the births).
 */
import type { AssetChange } from '../../assets/asset-registry';
import { bindingKey, type SparkplugBinding } from '../../assets/types';
import type { SparkplugHandler } from './sparkplug-handler';

const keyOf = (b: SparkplugBinding | null | undefined) => (b ? bindingKey(b) : null);

/** What one registry change means for Sparkplug ingest. */
export function rebindOnChange(handler: Pick<SparkplugHandler, 'rebound'>, change: AssetChange): void {
  const { asset, before, origin } = change;
  const moved = keyOf(before?.sparkplug) !== keyOf(asset.sparkplug) || change.kind === 'retired';
  // New tags or conversions: the device's birth values were read with the old ones.
  const remapped = change.kind === 'updated' && JSON.stringify(before?.signals ?? []) !== JSON.stringify(asset.signals);
  if (!moved && !remapped && change.kind !== 'created') return;
  handler.rebound({
    requestRebirth: origin === 'local',
    // The newly bound device may be online but unknown here (its births came before we started).
    nodes: moved && asset.sparkplug && change.kind !== 'retired' ? [asset.sparkplug] : [],
    ...(remapped ? { assets: [asset.id] } : {}),
  });
}
