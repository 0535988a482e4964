/**
 * OpenAPI operations of the caller's display preferences (time zone, y-axis ranges).
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { registerOperation } from '../api/openapi';
import { preferencesSchema, preferencesUpdateSchema } from './preferences';

registerOperation({
  method: 'get',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'The caller’s display preferences: time zone (null = the browser’s), fixed y-axis ranges by signal',
  role: 'viewer',
  responses: { 200: { description: 'Preferences', schema: preferencesSchema } },
});
registerOperation({
  method: 'put',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'Set the caller’s time zone (an IANA name, or null for the browser’s) and/or y-axis ranges',
  description:
    'Sets the preferences named in the body, leaving the others as they are. `yAxes` replaces the whole map of fixed ranges: `{"temperature": {"min": 340, "max": 380}}`; a signal not in it (or `{}`) is auto-scaled. `min` must be below `max` (a 400 names `yAxes.<signal>.max`).',
  role: 'viewer',
  body: preferencesUpdateSchema,
  responses: { 200: { description: 'Saved', schema: preferencesSchema } },
});
