'use client';

import { useId, useMemo, useState } from 'react';
import { useLiveAssets } from './assets/use-live-assets';
import { groupAssets } from './assets/asset-groups';

/** With more assets than this, the picker gets a search box. */
export const SEARCH_FROM = 12;

/**
 * The labelled asset picker of the console's toolbars (dashboard, history, alerts, rules, what-if).
 * `allLabel` adds a first option with the empty value ("all assets"). Assets are grouped by their
 * place in the plant (`site / area`, one optgroup each), searchable when there are many, and the
 * list stays live: an asset an admin creates, edits or retires shows at once (`assets:changed`).
 */
export function AssetSelect({
  assets,
  value,
  onChange,
  allLabel,
}: {
  assets: readonly { id: string; name: string; path?: string }[];
  value: string;
  onChange: (assetId: string) => void;
  allLabel?: string;
}) {
  const live = useLiveAssets(assets);
  const [query, setQuery] = useState('');
  const searchId = useId();
  const q = query.trim().toLowerCase();
  const shown = useMemo(
    () =>
      q ? live.filter((a) => a.id === value || `${a.name} ${a.id} ${a.path ?? ''}`.toLowerCase().includes(q)) : live,
    [live, q, value],
  );
  const groups = useMemo(() => groupAssets(shown), [shown]);
  // The selected asset stays selectable even once retired (its page still shows it).
  const missing = value !== '' && !live.some((a) => a.id === value);
  return (
    <div className="asset-select">
      {live.length > SEARCH_FROM && (
        <label className="dash-field" htmlFor={searchId}>
          <span>Find</span>
          <input
            id={searchId}
            type="search"
            placeholder="name, id or place"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label="Find asset"
          />
        </label>
      )}
      <label className="dash-field">
        <span>Asset</span>
        <select value={value} onChange={(e) => onChange(e.target.value)}>
          {allLabel !== undefined && <option value="">{allLabel}</option>}
          {missing && <option value={value}>{value} (retired)</option>}
          {groups.map((g) =>
            g.label === null ? (
              g.assets.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))
            ) : (
              <optgroup key={g.label} label={g.label}>
                {g.assets.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </optgroup>
            ),
          )}
        </select>
      </label>
    </div>
  );
}
