/** Bounds of rule settings, shared by the engine, the API schemas and the editor. */
export const MAX_MIN_DURATION_MS = 3_600_000;
export const MAX_SHELVE_MINUTES = 7 * 24 * 60;
