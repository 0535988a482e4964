'use client';

import { useState } from 'react';
import { ApiRequestError, errorMessage } from '@/lib/client/api-client';
import type { YAxes } from '@/lib/time/preferences';
import { axisTitle } from './theme';

interface AxisSignal {
  name: string;
  label: string;
  unit: string;
}

type Row = { fixed: boolean; min: string; max: string };

const inputStyle = {
  background: 'var(--panel-2)',
  color: 'var(--text)',
  border: '1px solid var(--border)',
  borderRadius: 6,
  padding: '.3rem .4rem',
  width: '6.5rem',
};

/**
 * "Y axes" on a chart: per signal, auto or a fixed min/max, saved to the user's preferences (so
 * the dashboard and History keep it, after a reload too). min must be below max.
 */
export function YAxisControl({
  chart,
  signals,
  axes,
  save,
}: {
  /** The chart's name, for labels ("Process conditions"). */
  chart: string;
  signals: AxisSignal[];
  axes: YAxes;
  save: (next: YAxes) => Promise<void>;
}) {
  const [rows, setRows] = useState<Record<string, Row> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const open = () => {
    setError(null);
    setRows(
      Object.fromEntries(
        signals.map((s) => {
          const r = axes[s.name];
          return [s.name, { fixed: Boolean(r), min: r ? String(r.min) : '', max: r ? String(r.max) : '' }];
        }),
      ),
    );
  };

  const apply = async () => {
    if (!rows) return;
    // Signals of other charts keep their ranges: the map is stored whole.
    const next: YAxes = Object.fromEntries(Object.entries(axes).filter(([k]) => !signals.some((s) => s.name === k)));
    for (const s of signals) {
      const r = rows[s.name]!;
      if (!r.fixed) continue;
      const min = Number(r.min);
      const max = Number(r.max);
      if (r.min.trim() === '' || r.max.trim() === '' || !Number.isFinite(min) || !Number.isFinite(max))
        return setError(`${s.label}: enter both min and max`);
      if (min >= max) return setError(`${s.label}: max must be greater than min`);
      next[s.name] = { min, max };
    }
    setBusy(true);
    setError(null);
    try {
      await save(next);
      setRows(null);
    } catch (err) {
      setError(err instanceof ApiRequestError && err.fields[0] ? err.fields[0].message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!rows)
    return (
      <button type="button" className="btn btn-ghost btn-small" onClick={open} aria-label={`Y axes of ${chart}`}>
        Y axes
      </button>
    );
  return (
    <form
      className="y-axes-form"
      aria-label={`Y axes of ${chart}`}
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      {signals.map((s) => {
        const r = rows[s.name]!;
        const set = (patch: Partial<Row>) => setRows({ ...rows, [s.name]: { ...r, ...patch } });
        const title = axisTitle(s.label, s.unit);
        return (
          <fieldset key={s.name} className="y-axes-row">
            <legend>{title}</legend>
            <label>
              <input
                type="radio"
                name={`y-${chart}-${s.name}`}
                checked={!r.fixed}
                onChange={() => set({ fixed: false })}
              />{' '}
              Auto
            </label>
            <label>
              <input
                type="radio"
                name={`y-${chart}-${s.name}`}
                checked={r.fixed}
                onChange={() => set({ fixed: true })}
              />{' '}
              Fixed
            </label>
            <label>
              <span className="visually-hidden">{title} min</span>
              <input
                type="number"
                step="any"
                placeholder="min"
                style={inputStyle}
                value={r.min}
                disabled={!r.fixed}
                onChange={(e) => set({ min: e.target.value })}
              />
            </label>
            <label>
              <span className="visually-hidden">{title} max</span>
              <input
                type="number"
                step="any"
                placeholder="max"
                style={inputStyle}
                value={r.max}
                disabled={!r.fixed}
                onChange={(e) => set({ max: e.target.value })}
              />
            </label>
          </fieldset>
        );
      })}
      <div className="y-axes-actions">
        <button type="submit" className="btn btn-small" disabled={busy}>
          Apply
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setRows(null)}>
          Cancel
        </button>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
