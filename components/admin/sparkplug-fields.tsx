'use client';

import type { SparkplugBinding } from '@/lib/assets/types';
import { Field } from './field';

const PARTS = [
  { key: 'group', label: 'Sparkplug group' },
  { key: 'edge', label: 'Sparkplug edge node' },
  { key: 'device', label: 'Sparkplug device' },
] as const;

/**
 * The asset form's Sparkplug B binding: group, edge node and device ids of the device whose
 * DBIRTH/DDATA feed the asset. All empty: no binding. Errors of the API (`sparkplug.<part>`, or
 * `sparkplug` for a device bound to another asset) show under their field.
 */
export function SparkplugFields({
  prefix,
  binding,
  errors,
}: {
  prefix: string;
  binding: SparkplugBinding | null;
  errors: Record<string, string>;
}) {
  return (
    <fieldset className="sparkplug-binding">
      <legend>Sparkplug B device</legend>
      <p className="muted">
        The device whose births and data feed this asset (<code>spBv1.0/group/DDATA/edge/device</code>). Leave all three
        empty for none: a device named like the asset id then feeds it.
      </p>
      {PARTS.map(({ key, label }) => (
        <Field key={key} id={`${prefix}-sparkplug-${key}`} label={label} error={errors[`sparkplug.${key}`]}>
          {(p) => <input {...p} name={`sparkplug-${key}`} defaultValue={binding?.[key] ?? ''} maxLength={128} />}
        </Field>
      ))}
      {errors.sparkplug && (
        <p className="field-error" role="alert">
          {errors.sparkplug}
        </p>
      )}
    </fieldset>
  );
}

/** The form's three fields -> the API's `sparkplug`: null when all are empty. */
export function bindingOf(field: (name: string) => string): SparkplugBinding | null {
  const [group, edge, device] = PARTS.map(({ key }) => field(`sparkplug-${key}`).trim());
  return group || edge || device ? { group: group!, edge: edge!, device: device! } : null;
}
