'use client';

import { useState, type FormEvent } from 'react';
import type { Asset, AssetSignal } from '@/lib/assets/types';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import type { SignalInfo } from '@/lib/twin/types';
import { Field } from './field';
import { formError, Message } from './message';
import { bindingOf, SparkplugFields } from './sparkplug-fields';

/** One row of the signals editor, as typed (numbers stay text until sent). */
interface SignalDraft {
  name: string;
  feature: boolean;
  label: string;
  unit: string;
  min: string;
  max: string;
  tag: string;
  scale: string;
  offset: string;
}

const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

function draftsOf(signals: readonly AssetSignal[] | null, features: readonly SignalInfo[]): SignalDraft[] {
  const own = new Map((signals ?? []).map((s) => [s.name, s]));
  const row = (s: SignalInfo, feature: boolean): SignalDraft => {
    const o = own.get(s.name);
    return {
      name: s.name,
      feature,
      label: s.label,
      unit: s.unit,
      min: text(s.min),
      max: text(s.max),
      tag: o?.tag ?? '',
      scale: text(o?.scale),
      offset: text(o?.offset),
    };
  };
  return [...features.map((f) => row(f, true)), ...(signals ?? []).filter((s) => !s.feature).map((s) => row(s, false))];
}

/** A number field as sent: '' -> absent (or null where clearing means "none"); else a number (or the text, refused by the API naming it). */
const num = (v: string) => (v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : v);

function toInput(d: SignalDraft) {
  const conversion = {
    tag: d.tag.trim() || null,
    scale: num(d.scale) ?? null,
    offset: num(d.offset) ?? null,
  };
  if (d.feature) return { name: d.name, ...conversion };
  return {
    name: d.name.trim(),
    label: d.label.trim() || undefined,
    unit: d.unit.trim(),
    min: num(d.min),
    max: num(d.max),
    ...conversion,
  };
}

/**
 * Create or edit an asset (Admin -> Assets): id (new only), name, place, description, source, its
 * Sparkplug B device and the signals editor (the model's features with their tag and conversion; extra signals in full).
 * Goes through the same API (and zod schemas) as any client; refusals show next to their field.
 */
export function AssetForm({
  asset,
  features,
  onSaved,
  onCancel,
}: {
  /** null: a new asset. */
  asset: Asset | null;
  features: readonly SignalInfo[];
  onSaved: (a: Asset) => void;
  onCancel?: () => void;
}) {
  const [signals, setSignals] = useState<SignalDraft[]>(() => draftsOf(asset?.signals ?? null, features));
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const prefix = asset ? `edit-${asset.id}` : 'new-asset';

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const field = (k: string) => String(data.get(k) ?? '');
    const body = {
      ...(asset ? {} : { id: field('id').trim() }),
      name: field('name'),
      path: field('path'),
      description: field('description'),
      source: field('source'),
      signals: signals.map(toInput),
      sparkplug: bindingOf(field),
    };
    setBusy(true);
    const res = asset
      ? await apiCall<{ asset: Asset }>(`/api/v1/assets/${encodeURIComponent(asset.id)}`, {
          method: 'PATCH',
          json: body,
        })
      : await apiCall<{ asset: Asset }>('/api/v1/assets', { json: body });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    onSaved(res.data.asset);
  }

  const set = (i: number, patch: Partial<SignalDraft>) =>
    setSignals((list) => list.map((s, k) => (k === i ? { ...s, ...patch } : s)));
  const f = error?.fields ?? {};
  const signalErrors = Object.entries(f).filter(([k]) => k.startsWith('signals'));
  const cell = (i: number, key: keyof SignalDraft, label: string, disabled = false, width = '7rem') => (
    <td>
      <input
        aria-label={`${label} of signal ${i + 1}`}
        value={String(signals[i]![key])}
        disabled={disabled}
        aria-invalid={Boolean(f[`signals.${i}.${key}`])}
        onChange={(e) => set(i, { [key]: e.target.value })}
        style={{ width }}
      />
    </td>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="admin-form" aria-label={asset ? `Edit ${asset.id}` : 'New asset'}>
      <Message kind="error" text={formError(error)} />
      {!asset && (
        <Field id={`${prefix}-id`} label="Id (slug, e.g. r-101)" error={f.id}>
          {(p) => <input {...p} name="id" autoComplete="off" maxLength={63} required />}
        </Field>
      )}
      <Field id={`${prefix}-name`} label="Name" error={f.name}>
        {(p) => <input {...p} name="name" defaultValue={asset?.name ?? ''} maxLength={100} required />}
      </Field>
      <Field id={`${prefix}-path`} label="Place (site/area/unit)" error={f.path}>
        {(p) => <input {...p} name="path" defaultValue={asset?.path ?? ''} placeholder="Ludwigshafen/Ammonia/R-101" />}
      </Field>
      <Field id={`${prefix}-source`} label="Source" error={f.source}>
        {(p) => (
          <select {...p} name="source" defaultValue={asset?.source ?? 'external'}>
            <option value="external">external (ingest, MQTT)</option>
            <option value="simulator">simulator</option>
          </select>
        )}
      </Field>
      <Field id={`${prefix}-description`} label="Description" error={f.description}>
        {(p) => <input {...p} name="description" defaultValue={asset?.description ?? ''} maxLength={2000} />}
      </Field>
      <SparkplugFields prefix={prefix} binding={asset?.sparkplug ?? null} errors={f} />
      <fieldset className="signals-editor">
        <legend>Signals</legend>
        <p className="muted">
          The model’s inputs are always there (their range is the model’s); give them a source tag or a conversion
          (stored = raw × scale + offset). Extra signals need a valid range; readings outside it are refused.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Label</th>
              <th scope="col">Unit</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Tag</th>
              <th scope="col">Scale</th>
              <th scope="col">Offset</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {signals.map((s, i) => (
              <tr key={i} data-testid={`signal-row-${i}`}>
                {cell(i, 'name', 'Name', s.feature)}
                {cell(i, 'label', 'Label', s.feature)}
                {cell(i, 'unit', 'Unit', s.feature, '4rem')}
                {cell(i, 'min', 'Min', s.feature, '5rem')}
                {cell(i, 'max', 'Max', s.feature, '5rem')}
                {cell(i, 'tag', 'Tag', false, '8rem')}
                {cell(i, 'scale', 'Scale', false, '5rem')}
                {cell(i, 'offset', 'Offset', false, '5rem')}
                <td>
                  {s.feature ? (
                    <span className="muted">model input</span>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-ghost"
                      onClick={() => setSignals((list) => list.filter((_, k) => k !== i))}
                      aria-label={`Remove signal ${s.name || i + 1}`}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() =>
            setSignals((list) => [
              ...list,
              { name: '', feature: false, label: '', unit: '', min: '', max: '', tag: '', scale: '', offset: '' },
            ])
          }
        >
          Add signal
        </button>
        {signalErrors.map(([k, m]) => (
          <p key={k} className="field-error" role="alert">
            Signal {Number(k.split('.')[1]) + 1} {k.split('.')[2] ?? ''}: {m}
          </p>
        ))}
      </fieldset>
      <div className="admin-form-actions">
        <button className="btn" type="submit" disabled={busy}>
          {busy ? 'Saving…' : asset ? 'Save asset' : 'Create asset'}
        </button>
        {onCancel && (
          <button className="btn btn-ghost" type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
