'use client';

import type { AbView } from './api';

const num = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));

/** The A/B figures side by side: one column per version (serving first, then challenger). */
export function AbTable({ ab }: { ab: AbView }) {
  if (!ab.versions.length) return null;
  const roleOf = (version: string) => (version === ab.champion?.version ? 'serving' : version === ab.challenger?.version ? 'challenger' : '');
  const rows: [string, (v: AbView['versions'][number]) => string][] = [
    ['Predictions', (v) => String(v.count)],
    ['Mean prediction', (v) => num(v.meanPrediction, 2)],
    ['Latency p50 (ms)', (v) => num(v.latencyP50Ms, 2)],
    ['Latency p99 (ms)', (v) => num(v.latencyP99Ms, 2)],
    ['MAE vs actual', (v) => (v.mae === null ? '— (no known values yet)' : `${v.mae.toFixed(3)} (n=${v.withActual})`)],
  ];
  return (
    <table data-testid="ab-table" style={{ marginTop: '.8rem' }}>
      <caption className="muted" style={{ textAlign: 'left' }}>
        Since {new Date(ab.since).toISOString().slice(11, 19)} UTC
      </caption>
      <thead>
        <tr>
          <th />
          {ab.versions.map((v) => (
            <th key={v.version}>
              v{v.version} <span className="muted">{roleOf(v.version)}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, cell]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {ab.versions.map((v) => (
              <td key={v.version}>{cell(v)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
