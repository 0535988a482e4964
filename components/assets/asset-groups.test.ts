import { describe, expect, it } from 'vitest';
import { groupAssets, groupOf } from './asset-groups';

describe('asset groups for the picker', () => {
  it('groups by the place above the asset; unplaced first; groups in order of appearance', () => {
    expect(groupOf('Ludwigshafen/Ammonia/R-101')).toBe('Ludwigshafen / Ammonia');
    expect(groupOf(' Antwerp ')).toBe('Antwerp');
    expect(groupOf('')).toBeNull();
    expect(groupOf(undefined)).toBeNull();
    const groups = groupAssets([
      { id: 'r-101', path: 'Ludwigshafen/Ammonia/R-101' },
      { id: 'reactor-1', path: '' },
      { id: 'c-7', path: 'Antwerp/Cracker/C-7' },
      { id: 'r-102', path: 'Ludwigshafen/Ammonia/R-102' },
      { id: 'reactor-2' },
    ]);
    expect(groups.map((g) => [g.label, g.assets.map((a) => a.id)])).toEqual([
      [null, ['reactor-1', 'reactor-2']],
      ['Ludwigshafen / Ammonia', ['r-101', 'r-102']],
      ['Antwerp / Cracker', ['c-7']],
    ]);
  });
});
