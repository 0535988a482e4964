/** What the asset route handlers share: the running registry, the caller as actor, the answer's shape. */
import { ApiError } from '../api/errors';
import type { Principal } from '../api/route';
import { getServices } from '../services';
import type { Point } from '../twin/types';
import type { AssetActor, AssetRegistry } from './asset-registry';
import { toAssetInfo } from './start-assets';
import type { Asset } from './types';

export function getAssets(): AssetRegistry {
  const a = getServices().assets;
  if (!a) throw new ApiError(503, 'not_ready', 'The console is starting; retry in a moment');
  return a;
}

export const assetActor = (p: Principal, address: string): AssetActor => ({ username: p.username, address });

/**
 * An asset as the API shows it: the registry's description (signals with tags and conversions),
 * the catalog's `extraSignals`, and its newest live point when it streams.
 */
export function assetView(a: Asset, latest: Point | null = null) {
  return { ...a, extraSignals: toAssetInfo(a).extraSignals ?? [], latest };
}
