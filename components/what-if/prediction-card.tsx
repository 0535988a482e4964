'use client';

import type { PredictAnswer } from '@/lib/what-if/api';
import type { FeatureValues } from '@/lib/what-if/inputs';
import { relativeChange } from '@/lib/what-if/inputs';
import type { Point } from '@/lib/twin/types';
import { decimalsFor, formatBand, formatNumber, formatValue } from '../dashboard/format';
import type { Limits, Target } from './figures';

export type PredictionState =
  | { kind: 'waiting' }
  | { kind: 'ok'; answer: PredictAnswer; inputs: FeatureValues }
  | { kind: 'invalid'; message: string; inputs: FeatureValues }
  | { kind: 'error'; message: string };

interface Props {
  target: Target;
  state: PredictionState;
  busy: boolean;
  live: Point | undefined;
  assetName: string;
  limits: Limits | null;
  bandName: string | null;
}

function signed(n: number, decimals: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatNumber(Math.abs(n), decimals)}`;
}

/** "+1.1 % pts" for a target in percent (a relative change is shown beside it), else "+0.42 bar". */
function absoluteDiff(diff: number, unit: string): string {
  const text = signed(diff, Math.min(decimalsFor(diff), 2));
  if (unit === '%') return `${text} % pts`;
  return unit ? `${text} ${unit}` : text;
}

/**
 * The what-if prediction with its band and unit, the change against the asset's live prediction
 * and the inference time. `data-prediction` and `data-inputs` say what is shown, for tests.
 */
export function PredictionCard({ target, state, busy, live, assetName, limits, bandName }: Props) {
  const livePrediction = live?.prediction ?? null;
  let body;
  if (state.kind === 'ok') {
    const { prediction, lower, upper, inferenceMs, model } = state.answer;
    const d = decimalsFor(prediction);
    const band = formatBand(lower, upper, d);
    const change = relativeChange(prediction, livePrediction);
    const diff = livePrediction !== null ? prediction - livePrediction : null;
    const alert = !limits
      ? null
      : prediction < limits.low
        ? `below the low alert limit (${formatValue(limits.low, target.unit)})`
        : prediction > limits.high
          ? `above the high alert limit (${formatValue(limits.high, target.unit)})`
          : null;
    body = (
      <>
        <p className="wi-pred-value">
          {formatValue(prediction, target.unit, d)}
          {band ? <span className="card-band"> [{band}]</span> : null}
        </p>
        <p className="wi-pred-sub muted">
          {band ? `${bandName ?? 'prediction interval'}` : 'no interval (model gives none)'}
        </p>
        {alert ? (
          <p className="wi-pred-sub bad" data-testid="whatif-limit">
            {alert}
          </p>
        ) : null}
        <p
          className="wi-pred-change"
          data-testid="whatif-change"
          data-state={change === null ? 'none' : change >= 0 ? 'up' : 'down'}
        >
          {change !== null && diff !== null ? (
            <>
              <strong>{signed(change, 1)} % vs live</strong>
              <span className="muted"> ({absoluteDiff(diff, target.unit)})</span>
            </>
          ) : (
            <span className="muted">no live prediction to compare with</span>
          )}
        </p>
        <p className="wi-pred-sub muted">
          inference {formatValue(inferenceMs, 'ms')} · {model.name} v{model.version}
        </p>
      </>
    );
  } else if (state.kind === 'invalid') {
    body = (
      <>
        <p className="wi-pred-value card-value-small">no prediction</p>
        <p className="wi-pred-sub bad">{state.message}</p>
      </>
    );
  } else if (state.kind === 'error') {
    body = (
      <>
        <p className="wi-pred-value card-value-small">unavailable</p>
        <p className="wi-pred-sub bad" role="alert">
          {state.message}
        </p>
      </>
    );
  } else {
    body = <p className="wi-pred-value">—</p>;
  }
  return (
    <section
      className="wi-card wi-prediction"
      aria-labelledby="wi-pred-h"
      aria-busy={busy}
      data-testid="whatif-prediction"
      data-state={state.kind}
      data-prediction={state.kind === 'ok' ? state.answer.prediction : undefined}
      data-inputs={state.kind === 'ok' || state.kind === 'invalid' ? JSON.stringify(state.inputs) : undefined}
    >
      <h2 id="wi-pred-h" className="card-label">
        {target.label} (what-if){busy ? <span className="wi-busy"> · updating…</span> : null}
      </h2>
      <div aria-live="polite">{body}</div>
      <p className="wi-pred-sub muted wi-live-line" data-testid="whatif-live">
        Live · {assetName}:{' '}
        {livePrediction !== null
          ? `${formatValue(livePrediction, target.unit, decimalsFor(livePrediction))}${
              live?.lower != null && live.upper != null
                ? ` [${formatBand(live.lower, live.upper, decimalsFor(livePrediction))}]`
                : ''
            }`
          : live
            ? 'no prediction (readings out of range or model unavailable)'
            : 'waiting for data'}
      </p>
    </section>
  );
}
