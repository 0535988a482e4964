/**
 * A user's display preferences (`GET/PUT /api/v1/me/preferences`): the time zone charts and times
 * are shown in (null means "the browser's zone"), the trends' fixed y-axis ranges by signal
 * (a signal not listed is auto-scaled) and the display theme. One schema for the route, the OpenAPI document and the
 * pages' controls. A PUT sets the preferences it names and leaves the others as they are.
 */
import { z } from 'zod';
import { DEFAULT_THEME, THEMES } from '../display/themes';
import { isValidTimeZone } from './zoned';

export const MAX_AXES = 64;

const timeZone = z
  .string({ error: 'timeZone must be an IANA time zone name (e.g. Europe/Paris) or null' })
  .trim()
  .refine(isValidTimeZone, {
    message: 'unknown time zone; use an IANA name such as Europe/Paris, or null for the browser’s zone',
  })
  .nullable();

const bound = (name: string) => z.number({ error: `${name} must be a number` }).finite(`${name} must be finite`);

/** One signal's fixed range: min below max. */
export const axisRangeSchema = z
  .strictObject({ min: bound('min'), max: bound('max') })
  .refine((r) => r.min < r.max, { path: ['max'], message: 'max must be greater than min' });

/** Fixed ranges by signal (`prediction` or a feature name); the whole map is replaced on PUT. */
export const yAxesSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_:-]{0,63}$/, 'must be a signal name (prediction or a feature)'),
    axisRangeSchema,
    { error: 'yAxes must map signal names to {min, max}' },
  )
  .refine((m) => Object.keys(m).length <= MAX_AXES, { message: `at most ${MAX_AXES} signals` });

/** The display theme (lib/display/themes): dark (the default), light or hmi (ISA-101 grey). */
export const themeSchema = z.enum(THEMES, { error: `theme must be one of ${THEMES.join(', ')}` });

export const preferencesSchema = z.strictObject({ timeZone, yAxes: yAxesSchema, theme: themeSchema });

export const preferencesUpdateSchema = preferencesSchema
  .partial()
  .refine((p) => p.timeZone !== undefined || p.yAxes !== undefined || p.theme !== undefined, {
    message: 'send timeZone, yAxes, theme or several',
  });

export { DEFAULT_THEME };

export type Preferences = z.infer<typeof preferencesSchema>;
export type YAxes = z.infer<typeof yAxesSchema>;
export type AxisRange = z.infer<typeof axisRangeSchema>;
