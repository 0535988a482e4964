/**
 * The asset registry's inputs (issue 15), one zod schema each: used by the route handlers, the
 * OpenAPI document, the users CLI and the Admin -> Assets form alike. Checks that need the
 * serving model (which names are features, a range per extra signal) are the service's.
 */
import { z } from 'zod';

export const ASSET_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SIGNAL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/** Names the stored series already use for the model's output (rollup, history, CSV). */
export const RESERVED_SIGNALS = ['prediction', 'lower', 'upper', 'actual'] as const;
/** The drift alerts' plant-wide pseudo-asset. */
export const RESERVED_ASSET_IDS = ['plant'] as const;
export const MAX_SIGNALS = 50;
export const MAX_PATH_LEVELS = 5;

const finite = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`);

export const assetIdSchema = z
  .string({ error: 'id is required: a slug such as r-101' })
  .regex(ASSET_ID_PATTERN, 'id must be a slug: lower-case letters, digits, - or _, at most 63 characters (e.g. r-101)')
  .refine((v) => !(RESERVED_ASSET_IDS as readonly string[]).includes(v), 'id "plant" is reserved (drift alerts)');

const name = z
  .string({ error: 'name is required' })
  .trim()
  .min(1, 'name must not be empty')
  .max(100, 'name must be at most 100 characters');

/** `"Ludwigshafen / Ammonia / R-101"` -> `"Ludwigshafen/Ammonia/R-101"`; '' = not placed. */
const placePath = z
  .string({ error: 'path must be text such as "Site/Area/Unit"' })
  .max(300, 'path must be at most 300 characters')
  .transform((v, ctx) => {
    const levels = v
      .split('/')
      .map((s) => s.trim())
      .filter(Boolean);
    if (levels.length > MAX_PATH_LEVELS) {
      ctx.addIssue({ code: 'custom', message: `path has at most ${MAX_PATH_LEVELS} levels (site/area/unit)` });
      return z.NEVER;
    }
    if (levels.some((l) => l.length > 80)) {
      ctx.addIssue({ code: 'custom', message: 'each level of path must be at most 80 characters' });
      return z.NEVER;
    }
    return levels.join('/');
  });

const description = z.string({ error: 'description must be text' }).trim().max(2000, 'description is too long');
const source = z.enum(['simulator', 'external'], { error: 'source must be "simulator" or "external"' });

export const signalInputSchema = z.strictObject({
  name: z
    .string({ error: 'name is required' })
    .regex(SIGNAL_NAME_PATTERN, 'name must start with a letter: lower-case letters, digits and _ (e.g. level)')
    .refine((v) => !(RESERVED_SIGNALS as readonly string[]).includes(v), 'this name is reserved for the model output'),
  label: z.string({ error: 'label must be text' }).trim().min(1, 'label must not be empty').max(80).optional(),
  unit: z.string({ error: 'unit must be text' }).trim().max(20, 'unit must be at most 20 characters').optional(),
  min: finite('min').optional(),
  max: finite('max').optional(),
  tag: z
    .string({ error: 'tag must be text' })
    .trim()
    .min(1, 'tag must not be empty (leave it out instead)')
    .max(100, 'tag must be at most 100 characters')
    .nullable()
    .optional(),
  scale: finite('scale')
    .refine((v) => v !== 0, 'scale must not be 0')
    .nullable()
    .optional(),
  offset: finite('offset').nullable().optional(),
});
export type SignalInput = z.infer<typeof signalInputSchema>;

/**
 * One Sparkplug B id (group, edge node or device): a topic level, so none of `/ + #` (the
 * Sparkplug B specification forbids them in ids).
 */
const sparkplugId = (what: string) =>
  z
    .string({ error: `${what} is required (a Sparkplug B id)` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .refine((v) => !/[/+#]/.test(v), `${what} must not contain / + or # (Sparkplug B ids are topic levels)`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${what} must not contain control characters`);

/** `{group, edge, device}`: the Sparkplug B device that feeds the asset; null (PATCH): unbind. */
export const sparkplugBindingSchema = z.strictObject(
  {
    group: sparkplugId('group'),
    edge: sparkplugId('edge'),
    device: sparkplugId('device'),
  },
  { error: 'sparkplug must be {group, edge, device} or null' },
);

const signals = z.array(signalInputSchema, { error: 'signals must be a list' }).max(MAX_SIGNALS);
const setpoints = z.record(z.string(), finite('a setpoint'));

export const createAssetSchema = z.strictObject({
  id: assetIdSchema,
  name,
  path: placePath.optional(),
  description: description.optional(),
  source: source.optional(),
  signals: signals.optional(),
  setpoints: setpoints.optional(),
  sparkplug: sparkplugBindingSchema.nullable().optional(),
});
export type CreateAsset = z.infer<typeof createAssetSchema>;

export const patchAssetSchema = z.strictObject({
  name: name.optional(),
  path: placePath.optional(),
  description: description.optional(),
  source: source.optional(),
  signals: signals.optional(),
  setpoints: setpoints.optional(),
  sparkplug: sparkplugBindingSchema.nullable().optional(),
});
export type PatchAsset = z.infer<typeof patchAssetSchema>;

/** `?retired=true` also lists retired assets. */
export const listAssetsQuerySchema = z.strictObject({
  retired: z.enum(['true', 'false'], { error: 'retired must be true or false' }).optional(),
});
