/**
 * A user's display preferences (`GET/PUT /api/v1/me/preferences`): for now the time zone charts
 * and times are shown in. null means "the browser's zone". One schema for the route, the
 * OpenAPI document and the History page's selector.
 */
import { z } from 'zod';
import { isValidTimeZone } from './zoned';

export const preferencesSchema = z.strictObject({
  timeZone: z
    .string({ error: 'timeZone must be an IANA time zone name (e.g. Europe/Paris) or null' })
    .trim()
    .refine(isValidTimeZone, {
      message: 'unknown time zone; use an IANA name such as Europe/Paris, or null for the browser’s zone',
    })
    .nullable(),
});

export type Preferences = z.infer<typeof preferencesSchema>;
