/** What the asset route handlers share: the caller as actor, the answer's shape. */
import type { Principal } from '../api/route';
import type { Point } from '../twin/types';
import type { AssetActor } from './asset-registry';
import { toAssetInfo } from './start-assets';
import type { Asset } from './types';

export const assetActor = (p: Principal, address: string): AssetActor => ({ username: p.username, address });

/**
 * An asset as the API shows it: the registry's description (signals with tags and conversions),
 * the catalog's `extraSignals`, and its newest live point when it streams.
 */
export function assetView(a: Asset, latest: Point | null = null) {
  return { ...a, extraSignals: toAssetInfo(a).extraSignals ?? [], latest };
}
