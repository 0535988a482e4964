/** Bounds of rule settings, shared by the engine, the API schemas and the editor. */
export const MAX_MIN_DURATION_MS = 3_600_000;
export const MAX_SHELVE_MINUTES = 7 * 24 * 60;
/** Alarm shelving (per alarm): the shortest timed shelf, and the admin's maximum when none is set (8 h). */
export const MIN_SHELVE_SECONDS = 10;
export const DEFAULT_MAX_SHELVE_SECONDS = 8 * 3600;
/** The most an admin may allow (7 days, as the rule-level shelving). */
export const MAX_MAX_SHELVE_SECONDS = 7 * 24 * 3600;
