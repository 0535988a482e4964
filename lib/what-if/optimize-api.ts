/**
 * POST /api/v1/twin/optimize: the request schema and its checks against the serving model
 * (feature names, bounds inside the valid ranges), then `optimize` over batch predictions.
 */
import { z } from 'zod';
import { ApiError, type FieldError } from '../api/errors';
import type { TwinModel } from '../model';
import { optimize, type OptimizeResult } from './optimize';

const finite = z.number().finite();

export const optimizeSchema = z
  .strictObject({
    /** "maximize" the prediction (default), or reach "target" with the least change from `from`. */
    goal: z.enum(['maximize', 'target']).default('maximize'),
    target: finite.optional(),
    /** The live values (feature name -> value): changes are reported from them. */
    from: z.record(z.string(), finite).optional(),
    /** Operator bounds per feature, inside its valid range. */
    bounds: z.record(z.string(), z.strictObject({ min: finite.optional(), max: finite.optional() })).optional(),
  })
  .refine((b) => b.goal !== 'target' || b.target !== undefined, {
    message: 'is required when goal is "target"',
    path: ['target'],
  })
  .refine((b) => b.goal !== 'target' || b.from !== undefined, {
    message: 'is required when goal is "target" (the values to change least)',
    path: ['from'],
  });

export type OptimizeBody = z.infer<typeof optimizeSchema>;

/** Checks the body against the model's features, then optimizes; 400 naming each bad field. */
export async function optimizeFor(model: TwinModel, body: OptimizeBody): Promise<OptimizeResult> {
  const features = model.manifest.features;
  const byName = new Map(features.map((f) => [f.name, f]));
  const fields: FieldError[] = [];
  for (const [name, value] of Object.entries(body.from ?? {})) {
    const f = byName.get(name);
    if (!f)
      fields.push({
        field: `from.${name}`,
        message: `is not a feature of the model (${[...byName.keys()].join(', ')})`,
      });
    else if (value < f.min || value > f.max) {
      fields.push({ field: `from.${name}`, message: `must be within ${f.min}..${f.max}` });
    }
  }
  if (body.from) {
    for (const f of features)
      if (!(f.name in body.from)) fields.push({ field: `from.${f.name}`, message: 'is required' });
  }
  for (const [name, b] of Object.entries(body.bounds ?? {})) {
    const f = byName.get(name);
    if (!f) {
      fields.push({
        field: `bounds.${name}`,
        message: `is not a feature of the model (${[...byName.keys()].join(', ')})`,
      });
      continue;
    }
    const lo = b.min ?? f.min;
    const hi = b.max ?? f.max;
    if (lo < f.min)
      fields.push({ field: `bounds.${name}.min`, message: `must be at least ${f.min} (the valid range)` });
    if (hi > f.max) fields.push({ field: `bounds.${name}.max`, message: `must be at most ${f.max} (the valid range)` });
    if (lo > hi) fields.push({ field: `bounds.${name}.max`, message: 'must not be below min' });
  }
  if (fields.length > 0) throw new ApiError(400, 'validation_failed', 'The request is invalid', fields);
  return optimize(
    {
      features,
      bounds: body.bounds,
      from: body.from,
      goal: body.goal === 'target' ? { kind: 'target', target: body.target! } : { kind: 'maximize' },
    },
    (rows, n) => model.predictRows(rows, n),
  );
}
