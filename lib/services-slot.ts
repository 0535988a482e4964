/**
 * The one `globalThis` slot the running services live in. Next bundles route handlers apart
 * from the custom server, so a module-level singleton would be a second, empty copy there.
 * This file imports nothing, so any module may read the slot without an import cycle.
 */
const KEY = Symbol.for('twinops.services');
type Holder = { [KEY]?: unknown };

export function writeServicesSlot(value: unknown): void {
  (globalThis as Holder)[KEY] = value;
}

/** The slot's value, typed by the caller (lib/services.ts checks that Services fits). */
export function readServicesSlot<T>(): T | undefined {
  return (globalThis as Holder)[KEY] as T | undefined;
}
