'use client';

import type { Point, StreamCatalog } from '@/lib/twin/types';
import { ConnectionStatus } from '../connection-status';
import { decimalsFor, formatBand, formatNumber, formatValue, withUnit } from './format';
import { LastUpdateAge } from './last-update-age';
import type { LiveCoverage } from './live-coverage';
import type { BandInfo } from '@/lib/model/band-label';

interface CardsProps {
  catalog: StreamCatalog;
  latest: Point | undefined;
  lastUpdateAt: number | null;
  /** Of the shown points with a measured value, how many fell inside their band. */
  coverage?: LiveCoverage;
}

/** Latest prediction (with band), each signal, the model, and the connection with its age. */
export function StreamCards({ catalog, latest, lastUpdateAt, coverage }: CardsProps) {
  const { target } = catalog;
  const staleAfterMs = Math.max(5_000, 5_000 / catalog.rateHz);
  return (
    <div className="dash-cards">
      <PredictionCard target={target} latest={latest} band={catalog.band ?? null} coverage={coverage} />
      {catalog.signals.map((sig) => {
        const value = latest?.values[sig.name];
        const outside =
          value !== undefined && (latest?.outOfRange?.includes(sig.name) || value < sig.min || value > sig.max);
        return (
          <section
            key={sig.name}
            className="dash-card"
            data-testid={`card-${sig.name}`}
            data-unit={sig.unit}
            data-state={outside ? 'out-of-range' : 'ok'}
            aria-label={sig.label}
          >
            <h2 className="card-label">{sig.label}</h2>
            <p className="card-value">{formatValue(value, sig.unit)}</p>
            <p className="card-sub">
              {outside ? <span className="bad">out of range </span> : null}valid{' '}
              {withUnit(`${formatNumber(sig.min, 0)}–${formatNumber(sig.max, 0)}`, sig.unit)}
            </p>
          </section>
        );
      })}
      <ModelCard catalog={catalog} latest={latest} />
      <section className="dash-card" aria-label="Connection">
        <h2 className="card-label">Connection</h2>
        <ConnectionStatus />
        <LastUpdateAge at={lastUpdateAt} staleAfterMs={staleAfterMs} />
      </section>
    </div>
  );
}

function PredictionCard({
  target,
  latest,
  band: bandMeaning,
  coverage,
}: {
  target: StreamCatalog['target'];
  latest: Point | undefined;
  band: BandInfo | null;
  coverage: LiveCoverage | undefined;
}) {
  let value = '—';
  let band: string | null = null;
  let sub = 'waiting for data';
  let state = 'waiting';
  if (latest && latest.prediction !== null) {
    const d = decimalsFor(latest.prediction);
    value = formatValue(latest.prediction, target.unit, d);
    band = formatBand(latest.lower, latest.upper, d);
    sub = band ? (bandMeaning?.label ?? 'with band') : 'no interval';
    state = 'ok';
  } else if (latest) {
    value = 'no prediction';
    const oor = latest.flags.includes('out_of_range');
    sub = oor ? `out of range: ${(latest.outOfRange ?? []).join(', ') || 'readings'}` : 'model unavailable';
    state = oor ? 'out-of-range' : 'unavailable';
  }
  const live =
    coverage && coverage.measured > 0
      ? `live: ${formatNumber((100 * coverage.inside) / coverage.measured, 0)} % of ${formatNumber(coverage.measured, 0)} measured values inside`
      : null;
  return (
    <section
      className="dash-card card-wide"
      data-testid="card-prediction"
      data-state={state}
      aria-label={`${target.label} predicted`}
    >
      <h2 className="card-label">{target.label} (predicted)</h2>
      <p className={state === 'ok' || state === 'waiting' ? 'card-value' : 'card-value card-value-small'}>
        {value}
        {band ? <span className="card-band"> [{band}]</span> : null}
      </p>
      <p className={state === 'ok' || state === 'waiting' ? 'card-sub' : 'card-sub bad'} data-testid="band-label">
        {sub}
      </p>
      {live ? (
        <p className="card-sub muted" data-testid="band-live-coverage">
          {live}
        </p>
      ) : null}
    </section>
  );
}

function ModelCard({ catalog, latest }: { catalog: StreamCatalog; latest: Point | undefined }) {
  // catalog.model follows model:changed (see Dashboard), so an activation shows at once; the
  // latest point may still be from the previous version, or from the A/B challenger.
  const version = catalog.model?.version ?? null;
  const name = catalog.model?.name;
  const pointVersion = latest?.modelVersion;
  return (
    <section className="dash-card" data-testid="card-model" data-version={version ?? ''} aria-label="Model">
      <h2 className="card-label">Model</h2>
      <p className="card-value card-value-small">{version ? `${name ? `${name} ` : ''}v${version}` : 'no model'}</p>
      <p className="card-sub">
        {latest?.inferenceMs != null
          ? `inference ${formatValue(latest.inferenceMs, 'ms')}`
          : version
            ? 'inference —'
            : 'predictions unavailable'}
        {version && pointVersion && pointVersion !== version ? ` · last point by v${pointVersion}` : null}
      </p>
    </section>
  );
}
