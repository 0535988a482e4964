'use client';

import { useState } from 'react';
import { errorMessage } from '@/lib/client/api-client';
import { optimizeSetpoints, type OptimizeAnswer, type OptimizeQuery } from '@/lib/what-if/api';
import type { FeatureValues, WhatIfFeature } from '@/lib/what-if/inputs';
import { formatBand, formatNumber, formatValue } from '../dashboard/format';
import type { Target } from './figures';

interface Props {
  features: WhatIfFeature[];
  target: Target;
  /** The asset's live values (changes are shown from them), else the sliders' values. */
  from: FeatureValues;
  fromLabel: string;
  bandName: string | null;
  /** Moves the sliders to the recommendation. */
  onRecommended: (answer: OptimizeAnswer) => void;
}

type Bounds = Record<string, { min: string; max: string }>;

/**
 * "Find best": asks the server for the operating point that maximizes the prediction (or reaches
 * a target with the least change), within optional bounds per feature, and moves the sliders there.
 */
export function FindBest({ features, target, from, fromLabel, bandName, onRecommended }: Props) {
  const [goal, setGoal] = useState<'maximize' | 'target'>('maximize');
  const [targetText, setTargetText] = useState('85');
  const [bounds, setBounds] = useState<Bounds>({});
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<OptimizeAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    const query: OptimizeQuery = { goal, from };
    if (goal === 'target') query.target = Number(targetText);
    const chosen: NonNullable<OptimizeQuery['bounds']> = {};
    for (const f of features) {
      const b = bounds[f.name];
      const min = b?.min.trim() ? Number(b.min) : undefined;
      const max = b?.max.trim() ? Number(b.max) : undefined;
      if (min !== undefined || max !== undefined) chosen[f.name] = { min, max };
    }
    if (Object.keys(chosen).length) query.bounds = chosen;
    try {
      const a = await optimizeSetpoints(query);
      setAnswer(a);
      onRecommended(a);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const setBound = (name: string, side: 'min' | 'max', text: string) =>
    setBounds((prev) => ({ ...prev, [name]: { min: '', max: '', ...prev[name], [side]: text } }));

  return (
    <section className="panel wi-controls wi-best" aria-labelledby="wi-best-h" data-testid="find-best">
      <h2 id="wi-best-h">Recommended setpoints</h2>
      <label className="dash-field">
        <span>Goal</span>
        <select value={goal} onChange={(e) => setGoal(e.target.value as 'maximize' | 'target')}>
          <option value="maximize">Maximize {target.label.toLowerCase()}</option>
          <option value="target">Reach a target, least change</option>
        </select>
      </label>
      {goal === 'target' ? (
        <label className="dash-field">
          <span>
            Target {target.label.toLowerCase()}
            {target.unit ? ` (${target.unit})` : ''}
          </span>
          <input type="number" value={targetText} onChange={(e) => setTargetText(e.target.value)} />
        </label>
      ) : null}
      <details>
        <summary>Bounds (optional)</summary>
        {features.map((f) => (
          <div key={f.name} className="wi-best-bound">
            <span>
              {f.label}
              {f.unit ? ` (${f.unit})` : ''}
            </span>
            <input
              type="number"
              aria-label={`${f.label} at least`}
              placeholder={String(f.min)}
              value={bounds[f.name]?.min ?? ''}
              onChange={(e) => setBound(f.name, 'min', e.target.value)}
            />
            <input
              type="number"
              aria-label={`${f.label} at most`}
              placeholder={String(f.max)}
              value={bounds[f.name]?.max ?? ''}
              onChange={(e) => setBound(f.name, 'max', e.target.value)}
            />
          </div>
        ))}
      </details>
      <button type="button" className="btn" onClick={() => void run()} disabled={busy}>
        {busy ? 'Searching…' : 'Find best'}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {answer ? (
        <div data-testid="recommendation" role="status">
          <p>
            {formatValue(answer.prediction, target.unit)}
            {answer.lower !== null ? ` [${formatBand(answer.lower, answer.upper, 1)}]` : ''}
            {bandName && answer.lower !== null ? <span className="muted"> {bandName}</span> : null}
            {!answer.feasible ? (
              <span className="bad"> · the target is out of reach; this is the best point</span>
            ) : null}
          </p>
          <ul className="muted">
            {features.map((f) => (
              <li key={f.name}>
                {f.label} {formatNumber(answer.values[f.name]!, decimals(f.step))}
                {f.unit ? ` ${f.unit}` : ''}
                {answer.change ? ` (${signed(answer.change[f.name]!, decimals(f.step))} from ${fromLabel})` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function decimals(step: number): number {
  return Math.max(0, Math.min(3, Math.ceil(-Math.log10(step))));
}

function signed(v: number, d: number): string {
  const text = formatNumber(Math.abs(v), d);
  return v > 0 ? `+${text}` : v < 0 ? `−${text}` : '±0';
}
