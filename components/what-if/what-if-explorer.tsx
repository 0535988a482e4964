'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BufferLimits } from '@/lib/realtime/stream-state';
import { useStream } from '@/lib/realtime/use-stream';
import type { AssetInfo } from '@/lib/twin/types';
import { AssetSelect } from '../asset-select';
import { ApiRequestError, errorMessage } from '@/lib/client/api-client';
import { fieldErrorsByFeature, predict, predictBatch, type PredictAnswer } from '@/lib/what-if/api';
import {
  batchSizes,
  buildGrid,
  buildSweeps,
  clampValues,
  curvesFromBatch,
  heatmapFromBatch,
  initialValues,
  snapToStep,
  stepDecimals,
  type Curve,
  type FeatureValues,
  type GridPlan,
  type WhatIfFeature,
} from '@/lib/what-if/inputs';
import type { Outcome } from '@/lib/what-if/latest-wins';
import { Plot } from '../plot';
import { FeatureControl } from './feature-control';
import { curveFigure, heatmapFigure, heldCaption, type Limits, type Target } from './figures';
import { PredictionCard, type PredictionState } from './prediction-card';
import { FindBest } from './find-best';
import type { OptimizeAnswer } from '@/lib/what-if/api';
import { useLatestWins } from './use-latest-wins';

/** A single prediction is cheap: answer while the user is still adjusting. */
const PREDICT_DEBOUNCE_MS = 100;
/** Curves and heatmap are hundreds of rows each: wait for the slider to rest. */
const CURVES_DEBOUNCE_MS = 250;
/** The page only needs each asset's newest point, not a trend. */
const LIVE_LIMITS: BufferLimits = { capacity: 200, retainMs: 60_000 };

export interface WhatIfExplorerProps {
  features: WhatIfFeature[];
  target: Target;
  limits: Limits | null;
  assets: Pick<AssetInfo, 'id' | 'name'>[];
  initialAssetId: string;
  initialValues: FeatureValues;
  /** The server's batch limit (MAX_BATCH): curve and grid sizes stay within it. */
  maxBatch: number;
  /** "90 % prediction interval" (or the trees' spread of older packages), or null without a band. */
  bandName: string | null;
  /** The serving version: when an activation changes it, the prediction is asked for again. */
  modelVersion?: string;
}

function textOf(value: number, f: WhatIfFeature): string {
  return value.toFixed(stepDecimals(f.step));
}

function textsOf(features: WhatIfFeature[], values: FeatureValues): Record<string, string> {
  return Object.fromEntries(features.map((f) => [f.name, textOf(values[f.name] ?? f.min, f)]));
}

interface CurvesView {
  curves: Curve[];
  revision: number;
}

interface HeatView {
  grid: GridPlan;
  z: (number | null)[][];
  revision: number;
}

/**
 * The what-if explorer: a slider and number box per model feature, the prediction for them (with
 * band, change against the selected asset's live prediction, inference time), a sensitivity curve
 * per feature and a heatmap over the first two. Everything is generated from the model's features.
 */
export function WhatIfExplorer(props: WhatIfExplorerProps) {
  const { features, target, limits, assets, maxBatch, bandName } = props;
  const [assetId, setAssetId] = useState(props.initialAssetId);
  const [values, setValues] = useState<FeatureValues>(props.initialValues);
  const [texts, setTexts] = useState<Record<string, string>>(() => textsOf(features, props.initialValues));
  const [prediction, setPrediction] = useState<PredictionState>({ kind: 'waiting' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [curves, setCurves] = useState<CurvesView | null>(null);
  const [curvesError, setCurvesError] = useState<string | null>(null);
  const [heat, setHeat] = useState<HeatView | null>(null);
  const [heatError, setHeatError] = useState<string | null>(null);
  const [recommended, setRecommended] = useState<OptimizeAnswer | null>(null);

  const { state: liveState } = useStream(assetId, LIVE_LIMITS);
  const live = liveState?.buffer.last();
  const asset = assets.find((a) => a.id === assetId);
  const sizes = useMemo(() => batchSizes(features.length, maxBatch), [features.length, maxBatch]);
  const names = useMemo(() => features.map((f) => f.name), [features]);

  // --- the prediction for the current values --------------------------------------------------
  const onPredicted = useCallback(
    (outcome: Outcome<PredictAnswer>, inputs: FeatureValues) => {
      if (outcome.ok) {
        setPrediction({ kind: 'ok', answer: outcome.value, inputs });
        setFieldErrors({});
        return;
      }
      const err = outcome.error;
      if (err instanceof ApiRequestError && err.status === 400 && err.fields.length) {
        const { byFeature, other } = fieldErrorsByFeature(err.fields, names);
        setFieldErrors(byFeature);
        const fieldNote = Object.keys(byFeature).length ? 'Check the highlighted fields.' : '';
        setPrediction({
          kind: 'invalid',
          inputs,
          message: [err.message, ...other, fieldNote].filter(Boolean).join(' · '),
        });
      } else {
        setFieldErrors({});
        setPrediction({ kind: 'error', message: errorMessage(err) });
      }
    },
    [names],
  );
  const predictor = useLatestWins(
    PREDICT_DEBOUNCE_MS,
    (input: FeatureValues, signal) => predict(input, signal),
    onPredicted,
  );
  const schedulePredict = predictor.schedule;
  const modelVersion = props.modelVersion;
  useEffect(() => {
    schedulePredict(values);
  }, [values, schedulePredict, modelVersion]);

  // --- sensitivity curves: every feature's sweep in one batch ----------------------------------
  // Keyed by content: typing 450 then 460 (both held at 400) asks for nothing new.
  const heldKey = JSON.stringify(clampValues(features, values));
  const held = useMemo(() => JSON.parse(heldKey) as FeatureValues, [heldKey]);
  const curvesReq = useLatestWins(
    CURVES_DEBOUNCE_MS,
    async (input: FeatureValues, signal) => {
      const plan = buildSweeps(features, input, sizes.sweepPoints);
      const answer = await predictBatch(plan.inputs, signal);
      return curvesFromBatch(plan, answer.results);
    },
    (outcome: Outcome<Curve[]>) => {
      if (outcome.ok) {
        setCurves((prev) => ({ curves: outcome.value, revision: (prev?.revision ?? 0) + 1 }));
        setCurvesError(null);
      } else setCurvesError(errorMessage(outcome.error));
    },
  );
  const scheduleCurves = curvesReq.schedule;
  useEffect(() => {
    scheduleCurves(held);
  }, [held, scheduleCurves]);

  // --- heatmap over the first two features: only the other features change it -----------------
  const [fx, fy] = features;
  const heatKey = JSON.stringify(features.slice(2).map((f) => held[f.name]));
  const heatHeld = useMemo(() => {
    const rest: number[] = JSON.parse(heatKey) as number[];
    const out: FeatureValues = {};
    features.forEach((f, i) => (out[f.name] = i < 2 ? f.min : rest[i - 2]!));
    return out;
  }, [heatKey, features]);
  const heatReq = useLatestWins(
    CURVES_DEBOUNCE_MS,
    async (input: FeatureValues, signal) => {
      const grid = buildGrid(features, input, sizes.gridSize);
      if (!grid) return null;
      const answer = await predictBatch(grid.inputs, signal);
      return { grid, z: heatmapFromBatch(grid, answer.results) };
    },
    (outcome: Outcome<{ grid: GridPlan; z: (number | null)[][] } | null>) => {
      if (outcome.ok) {
        const v = outcome.value;
        setHeat((prev) => (v ? { ...v, revision: (prev?.revision ?? 0) + 1 } : null));
        setHeatError(null);
      } else setHeatError(errorMessage(outcome.error));
    },
  );
  const scheduleHeat = heatReq.schedule;
  useEffect(() => {
    if (fy) scheduleHeat(heatHeld);
  }, [heatHeld, scheduleHeat, fy]);

  // --- inputs -----------------------------------------------------------------------------------
  const slide = (f: WhatIfFeature, v: number) => {
    setValues((prev) => ({ ...prev, [f.name]: v }));
    setTexts((prev) => ({ ...prev, [f.name]: textOf(v, f) }));
  };
  const type = (f: WhatIfFeature, text: string) => {
    setTexts((prev) => ({ ...prev, [f.name]: text }));
    const v = text.trim() === '' ? NaN : Number(text);
    // Out of range is still sent: the server's answer says what is wrong with it.
    if (Number.isFinite(v)) setValues((prev) => ({ ...prev, [f.name]: v }));
  };
  const applyLive = () => {
    if (!live) return;
    const next = initialValues(features, live.values);
    setValues(next);
    setTexts(textsOf(features, next));
  };

  const recommend = (a: OptimizeAnswer) => {
    const next = { ...values, ...a.values };
    setRecommended(a);
    setValues(next);
    setTexts(textsOf(features, next));
  };

  const current = prediction.kind === 'ok' ? prediction.answer.prediction : null;
  const curveFigures = useMemo(
    () =>
      curves
        ? features.map((f, i) => {
            const curve = curves.curves.find((c) => c.feature === f.name);
            return curve
              ? curveFigure(
                  curve,
                  f,
                  i,
                  target,
                  { value: held[f.name]!, prediction: current },
                  limits,
                  recommended ? { value: recommended.values[f.name]!, prediction: recommended.prediction } : null,
                )
              : null;
          })
        : null,
    [curves, features, target, held, current, limits, recommended],
  );
  const heatFigure = useMemo(
    () =>
      heat && fx && fy
        ? heatmapFigure(
            heat.grid,
            heat.z,
            fx,
            fy,
            target,
            { x: held[fx.name]!, y: held[fy.name]! },
            limits,
            recommended ? { x: recommended.values[fx.name]!, y: recommended.values[fy.name]! } : null,
          )
        : null,
    [heat, fx, fy, target, held, limits, recommended],
  );
  const liveDiffers = live ? features.some((f) => snapToStep(live.values[f.name] ?? NaN, f) !== values[f.name]) : false;

  return (
    <div className="whatif">
      <div className="dash-toolbar">
        <AssetSelect assets={assets} value={assetId} onChange={setAssetId} />
        <button type="button" className="btn btn-ghost" onClick={applyLive} disabled={!live}>
          Use live values
        </button>
        <p className="dash-status muted" data-testid="whatif-live-values">
          {live
            ? `${asset?.name ?? assetId} now: ${features.map((f) => `${f.label} ${textOf(live.values[f.name] ?? NaN, f)}${f.unit ? ` ${f.unit}` : ''}`).join(' · ')}${liveDiffers ? '' : ' (in use)'}`
            : `Waiting for ${asset?.name ?? assetId}'s live values…`}
        </p>
      </div>

      <div className="wi-layout">
        <div className="wi-side">
          <PredictionCard
            target={target}
            state={prediction}
            busy={predictor.busy}
            live={live}
            assetName={asset?.name ?? assetId}
            limits={limits}
            bandName={bandName}
          />
          <FindBest
            features={features}
            target={target}
            from={clampValues(features, live ? initialValues(features, live.values) : values)}
            fromLabel={live ? `${asset?.name ?? assetId} now` : 'the sliders'}
            bandName={bandName}
            onRecommended={recommend}
          />
          <section className="panel wi-controls" aria-labelledby="wi-controls-h">
            <h2 id="wi-controls-h">Operating conditions</h2>
            {features.map((f) => {
              const text = texts[f.name] ?? '';
              const unparsable = text.trim() === '' || !Number.isFinite(Number(text));
              return (
                <FeatureControl
                  key={f.name}
                  feature={f}
                  value={values[f.name] ?? f.min}
                  text={text}
                  error={unparsable ? `Enter a number for ${f.label.toLowerCase()}` : (fieldErrors[f.name] ?? null)}
                  onSlide={(v) => slide(f, v)}
                  onType={(t) => type(f, t)}
                />
              );
            })}
          </section>
        </div>

        <div className="wi-main">
          <section className="panel chart-panel" aria-labelledby="wi-curves-h" aria-busy={curvesReq.busy}>
            <h2 id="wi-curves-h">
              Sensitivity{' '}
              <span className="muted chart-sub">
                {target.label} across each feature&apos;s valid range, the others held at the values on the left
              </span>
            </h2>
            {curvesError ? (
              <p className="error" role="alert">
                Curves: {curvesError}
              </p>
            ) : null}
            <div className="wi-curves">
              {features.map((f, i) => {
                const fig = curveFigures?.[i];
                return (
                  <figure key={f.name} className="wi-curve">
                    <figcaption>{f.label}</figcaption>
                    <div
                      className="wi-curve-box"
                      data-testid={`sensitivity-${f.name}`}
                      data-points={curves?.curves[i]?.x.length ?? 0}
                    >
                      {fig ? (
                        <Plot data={fig.data} layout={fig.layout} revision={curves?.revision ?? 0} />
                      ) : (
                        <div className="plot-loading">Computing…</div>
                      )}
                    </div>
                  </figure>
                );
              })}
            </div>
          </section>

          {fx && fy ? (
            <section className="panel chart-panel" aria-labelledby="wi-heat-h" aria-busy={heatReq.busy}>
              <h2 id="wi-heat-h">
                {target.label} over {fx.label} × {fy.label}
                {features.length > 2 ? (
                  <span className="muted chart-sub"> at {heldCaption(features.slice(2), held)}</span>
                ) : null}
              </h2>
              {heatError ? (
                <p className="error" role="alert">
                  Heatmap: {heatError}
                </p>
              ) : null}
              <div className="wi-heat-box" data-testid="whatif-heatmap">
                {heatFigure ? (
                  <Plot data={heatFigure.data} layout={heatFigure.layout} revision={heat?.revision ?? 0} />
                ) : (
                  <div className="plot-loading">Computing…</div>
                )}
              </div>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
