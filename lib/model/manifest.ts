/**
 * twin.json: everything the runtime and the UI need to know about a model package. One schema,
 * used to check packages at load, by the training CLI before it writes one, and (through the
 * inferred type) by every consumer. Objects are strict so a misspelled field in a hand-written
 * twin.json is reported instead of silently ignored.
 */
import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)');
/** Also a directory name of the package store: bounded well under a filesystem's 255 bytes. */
export const MAX_SLUG_LENGTH = 100;
const slug = z
  .string()
  .max(MAX_SLUG_LENGTH, `must be at most ${MAX_SLUG_LENGTH} characters`)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"');
const finite = z.number().finite();

export const featureSchema = z
  .strictObject({
    name: identifier,
    label: z.string().min(1),
    unit: z.string(),
    /** Valid range: readings outside it are rejected (or flagged), never scored. */
    min: finite,
    max: finite,
    /** Slider step in the what-if panel. */
    step: finite.positive(),
    /** Other names a client may send this feature under (e.g. the reference service's `temp`). */
    aliases: z.array(identifier).optional(),
    /** Statistics of the training data (absent for models trained elsewhere if unknown). */
    training: z.strictObject({ mean: finite, std: finite.nonnegative(), min: finite, max: finite }).optional(),
  })
  .refine((f) => f.min < f.max, { message: 'min must be below max', path: ['max'] });

const intervalSchema = z.discriminatedUnion('method', [
  z
    .strictObject({
      /** Percentiles over the ensemble members (one output column per member). */
      method: z.literal('ensemble-percentile'),
      lower: finite.min(0).max(100),
      upper: finite.min(0).max(100),
    })
    .refine((i) => i.lower < i.upper, { message: 'lower must be below upper', path: ['upper'] }),
  z
    .strictObject({
      /**
       * Split-conformal prediction interval (conformal.ts in lib/training): prediction ± halfWidth,
       * or ± halfWidth × (members' standard deviation + floor) when `scale` is "member-std", so
       * the band widens where the members disagree. halfWidth is the conformal quantile of the
       * (scaled) absolute residuals on calibration rows the model never saw.
       */
      method: z.literal('conformal'),
      /** Nominal coverage, e.g. 0.9 for a 90 % prediction interval. */
      coverage: finite.gt(0).lt(1),
      scale: z.enum(['constant', 'member-std']),
      halfWidth: finite.nonnegative(),
      /** Added to the members' standard deviation before scaling ("member-std" only). */
      floor: finite.nonnegative().default(0),
      calibrationRows: z.number().int().positive(),
      /** Coverage measured on a separate test split (neither trained nor calibrated on). */
      measured: z.strictObject({ coverage: finite.min(0).max(1), rows: z.number().int().positive() }).optional(),
    })
    .refine((i) => i.scale === 'constant' || i.floor > 0 || i.halfWidth === 0, {
      message: 'a member-std interval needs floor > 0 (else it vanishes where all members agree)',
      path: ['floor'],
    }),
  z.strictObject({ method: z.literal('none') }),
]);

export const twinManifestSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    name: slug,
    version: slug,
    trainedAt: z.iso.date(),
    description: z.string().default(''),
    target: z.strictObject({ name: identifier, label: z.string().min(1), unit: z.string() }),
    /** In model input order: column i of the ONNX input is features[i]. */
    features: z.array(featureSchema).min(1),
    onnx: z.strictObject({
      file: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.onnx$/, 'must be a file name ending in .onnx, beside twin.json'),
      input: z.string().min(1),
      output: z.string().min(1),
      /** Output columns: 1 for a plain regressor, else one per ensemble member (prediction = their mean). */
      members: z.number().int().positive(),
    }),
    interval: intervalSchema,
    /** Quality on held-out rows, when known. */
    metrics: z
      .strictObject({
        r2: finite,
        mae: finite.nonnegative(),
        rmse: finite.nonnegative(),
        holdoutRows: z.number().int().nonnegative(),
        trainRows: z.number().int().nonnegative(),
      })
      .optional(),
    /** How the model was made (free-form for models trained elsewhere, beyond `source`). */
    training: z
      .strictObject({
        source: z.string().min(1),
        rows: z.number().int().positive().optional(),
        trees: z.number().int().positive().optional(),
        depth: z.number().int().positive().optional(),
        minSamplesLeaf: z.number().int().positive().optional(),
        seed: z.number().int().optional(),
        /** "forest" (mean of trees) or "boosted" (sum of shrunk trees); absent in older packages. */
        regressor: z.enum(['forest', 'boosted']).optional(),
        learningRate: finite.positive().optional(),
      })
      .optional(),
    /** Default alert limits for the prediction; sensors alert outside their valid range. */
    alerts: z.strictObject({
      prediction: z.strictObject({ low: finite, high: finite }).refine((l) => l.low < l.high, {
        message: 'low must be below high',
        path: ['high'],
      }),
    }),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.features.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({ code: 'custom', message: `duplicate feature name "${f.name}"`, path: ['features', i, 'name'] });
      seen.add(f.name);
    });
    // An alias must name one feature only, and never shadow a feature's own name.
    m.features.forEach((f, i) =>
      f.aliases?.forEach((alias, j) => {
        if (seen.has(alias))
          ctx.addIssue({
            code: 'custom',
            message: `alias "${alias}" is already a feature name or alias`,
            path: ['features', i, 'aliases', j],
          });
        seen.add(alias);
      }),
    );
    if (m.interval.method === 'ensemble-percentile' && m.onnx.members < 2) {
      ctx.addIssue({
        code: 'custom',
        message: 'an ensemble-percentile interval needs an output with one column per member (members >= 2)',
        path: ['interval', 'method'],
      });
    }
    if (m.interval.method === 'conformal' && m.interval.scale === 'member-std' && m.onnx.members < 2) {
      ctx.addIssue({
        code: 'custom',
        message: 'a member-std conformal interval needs an output with one column per member (members >= 2)',
        path: ['interval', 'scale'],
      });
    }
  });

export type TwinManifest = z.infer<typeof twinManifestSchema>;
export type FeatureManifest = TwinManifest['features'][number];

/** `['features', 1, 'max']` -> `features[1].max`: how problems name a twin.json field. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}
