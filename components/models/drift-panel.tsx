'use client';

import { useEffect, useState } from 'react';
import { errorMessage } from '@/lib/client/api-client';
import { fetchDrift, type DriftReport } from './api';

const REFRESH_MS = 5_000;

function fmt(v: number | null, digits = 1): string {
  return v === null ? '—' : v.toFixed(digits);
}

/**
 * Input drift, small: per feature the live window's mean ± spread next to the training data's,
 * the PSI (flagged over the threshold) and the share of readings outside the valid range.
 */
export function DriftPanel() {
  const [report, setReport] = useState<DriftReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      fetchDrift()
        .then((r) => {
          if (stopped) return;
          setReport(r);
          setError(null);
        })
        .catch((e: unknown) => !stopped && setError(errorMessage(e)));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <section className="panel" aria-labelledby="drift-h" data-testid="drift-panel" style={{ marginTop: '1rem' }}>
      <h2 id="drift-h" style={{ fontSize: '1rem', margin: '0 0 .5rem' }}>
        Input drift <span className="muted chart-sub">last {report?.window ?? '…'} readings vs training · PSI alert above {report?.threshold ?? '…'}</span>
      </h2>
      {error ? <p className="muted">Drift unavailable: {error}</p> : null}
      {report && report.features.length === 0 ? <p className="muted">No model serving: nothing to compare with.</p> : null}
      {report && report.features.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Feature</th>
              <th>Live mean ± sd</th>
              <th>Training mean ± sd</th>
              <th>PSI</th>
              <th>Out of range</th>
            </tr>
          </thead>
          <tbody>
            {report.features.map((f) => (
              <tr key={f.name} data-testid={`drift-${f.name}`} data-state={f.drifting ? 'drifting' : 'stable'}>
                <td>
                  {f.label} <span className="muted">{f.unit}</span>
                </td>
                <td>
                  {fmt(f.mean)} ± {fmt(f.std)}
                </td>
                <td>
                  {fmt(f.trainingMean)} ± {fmt(f.trainingStd)}
                </td>
                <td className={f.drifting ? 'bad' : undefined}>
                  {f.psi === null ? `— (${f.count} readings)` : fmt(f.psi, 3)}
                  {f.drifting ? ' drifting' : ''}
                </td>
                <td>{f.outOfRangeRate === null ? '—' : `${(f.outOfRangeRate * 100).toFixed(1)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
