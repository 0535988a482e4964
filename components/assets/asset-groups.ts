/**
 * Assets grouped by their place in the plant for a picker (issue 15). A path names the asset's
 * place down to itself (`Ludwigshafen/Ammonia/R-101`): the group is everything above the last
 * level (`Ludwigshafen / Ammonia`); a one-level path is its own group. Unplaced assets come
 * first, ungrouped, in their order; groups follow in the order their first asset appears.
 */
export interface AssetGroup<T> {
  /** `Site / Area`, or null for unplaced assets. */
  label: string | null;
  assets: T[];
}

/** The group label of a path, or null when the asset is not placed. */
export function groupOf(path: string | undefined): string | null {
  const levels = (path ?? '')
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!levels.length) return null;
  return (levels.length === 1 ? levels : levels.slice(0, -1)).join(' / ');
}

export function groupAssets<T extends { path?: string }>(assets: readonly T[]): AssetGroup<T>[] {
  const loose: T[] = [];
  const groups = new Map<string, T[]>();
  for (const a of assets) {
    const label = groupOf(a.path);
    if (label === null) loose.push(a);
    else groups.set(label, [...(groups.get(label) ?? []), a]);
  }
  return [
    ...(loose.length ? [{ label: null, assets: loose }] : []),
    ...[...groups].map(([label, list]) => ({ label, assets: list })),
  ];
}
