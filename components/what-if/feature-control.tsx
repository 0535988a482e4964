'use client';

import { useId } from 'react';
import { stepDecimals, type WhatIfFeature } from '@/lib/what-if/inputs';
import { formatNumber, withUnit } from '../dashboard/format';

interface FeatureControlProps {
  feature: WhatIfFeature;
  /** The value in use (may be outside the range when typed so). */
  value: number;
  /** What the number box shows (kept as typed). */
  text: string;
  /** The server's (or the form's) complaint about this field. */
  error: string | null;
  onSlide: (value: number) => void;
  onType: (text: string) => void;
}

/**
 * One feature: a range slider named exactly by the feature's label, a number box beside it that
 * accepts any number (out-of-range values are sent so the server can say what is wrong), the
 * valid range, and the field's error.
 */
export function FeatureControl({ feature: f, value, text, error, onSlide, onType }: FeatureControlProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const errorId = `${id}-error`;
  const rangeId = `${id}-range`;
  const d = stepDecimals(f.step);
  const outside = value < f.min || value > f.max;
  return (
    // A fieldset names the group by its legend without giving it a label of its own, so
    // `getByLabel('Temperature', { exact: true })` finds the slider alone.
    <fieldset className="wi-feature" data-testid={`feature-${f.name}`} data-state={error ? 'error' : 'ok'}>
      <legend id={labelId} className="wi-feature-label">
        {f.label}
      </legend>
      <span className="wi-feature-input">
        <input
          type="number"
          inputMode="decimal"
          aria-label={`${f.label} value`}
          aria-describedby={error ? `${rangeId} ${errorId}` : rangeId}
          aria-invalid={error ? true : undefined}
          step={f.step}
          value={text}
          onChange={(e) => onType(e.target.value)}
        />
        {f.unit ? <span className="wi-unit">{f.unit}</span> : null}
      </span>
      <input
        type="range"
        aria-labelledby={labelId}
        min={f.min}
        max={f.max}
        step={f.step}
        value={Math.min(f.max, Math.max(f.min, value))}
        aria-valuetext={withUnit(formatNumber(value, d), f.unit)}
        aria-describedby={rangeId}
        onChange={(e) => onSlide(Number(e.target.value))}
      />
      <p className="wi-feature-range muted" id={rangeId}>
        valid {withUnit(`${formatNumber(f.min, d)}–${formatNumber(f.max, d)}`, f.unit)}
        {f.training ? ` · training mean ${withUnit(formatNumber(f.training.mean, Math.max(d, 1)), f.unit)}` : null}
        {outside && !error ? <span className="bad"> · outside the valid range</span> : null}
      </p>
      {error ? (
        <p role="alert" className="wi-field-error" id={errorId} data-testid={`field-error-${f.name}`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
