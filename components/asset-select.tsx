'use client';

/**
 * The labelled asset picker of the console's toolbars (dashboard, history, alerts, rules, what-if).
 * `allLabel` adds a first option with the empty value ("all assets").
 */
export function AssetSelect({
  assets,
  value,
  onChange,
  allLabel,
}: {
  assets: readonly { id: string; name: string }[];
  value: string;
  onChange: (assetId: string) => void;
  allLabel?: string;
}) {
  return (
    <label className="dash-field">
      <span>Asset</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {assets.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}
