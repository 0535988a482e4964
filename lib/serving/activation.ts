/**
 * Which versions serve, and switching them without a restart (hot swap): the serving state
 * (champion and A/B challenger) that the serving views read at every call, the admin's
 * activation, and the one-at-a-time rule for changes of that state.
 *
 * A swap is one assignment: calls already running on the old version finish on it, the next go
 * to the new one, and the old session is released once its last call is done (ModelEntry).
 */
import type { Logger } from '../log';
import { incompatibility } from './ab-split';
import { Listeners } from './listeners';
import type { ModelAudit } from './model-audit';
import type { ModelEntry } from './model-entry';
import type { ServingState } from './model-serving';
import { refKey, type Actor, type ModelRef } from './serving-types';
import type { ServingSettings } from './serving-settings';
import type { VersionRegistry } from './version-registry';

export interface ActivationDeps {
  registry: VersionRegistry;
  settings: ServingSettings;
  audit: ModelAudit;
  /** Tells every console (socket.io `model:changed`). */
  broadcast(model: ModelRef | null): void;
  log: Logger;
}

export class Activation {
  state: ServingState = { champion: null, challenger: null };
  /** Why nothing serves; null while a champion serves. */
  problemText: string | null = 'model not loaded yet';
  /** After the serving version changed (null: degraded), like `model:changed`. */
  readonly changes: Listeners<[ModelRef | null]>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ActivationDeps) {
    this.changes = new Listeners(deps.log, 'model');
  }

  /** Serialises changes of the serving versions (two activations never interleave). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the change running now (if any) is done. */
  async settled(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  active(): ModelRef | null {
    const c = this.state.champion;
    return c ? { name: c.name, version: c.version } : null;
  }

  /**
   * Makes `ref` the serving version: loaded and checked first, then swapped in one assignment.
   * Persisted, so a restart serves it too. Activating the A/B challenger promotes it (the test ends).
   */
  async activate(ref: ModelRef, actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    const { settings, registry, audit, log } = this.deps;
    return this.exclusive(async () => {
      const key = refKey(ref);
      if (this.state.champion?.key === key) {
        await settings.saveActive(ref, actor.username);
        return { changed: false, model: ref };
      }
      const challenger = this.state.challenger;
      let entry: ModelEntry;
      if (challenger?.entry.key === key) {
        this.state = { champion: this.state.champion, challenger: null };
        await settings.clearAb();
        entry = challenger.entry;
      } else {
        entry = await registry.loadEntry(ref, actor, 'model.activate');
      }
      try {
        await settings.saveActive(ref, actor.username);
      } catch (err) {
        if (entry !== challenger?.entry) await entry.retire();
        throw err;
      }
      const previous = this.active();
      this.install(entry);
      await audit(actor, 'model.activate', ref, 'success', { previous });
      log.info({ model: key, previous, by: actor.username }, 'model activated');
      return { changed: true, model: ref };
    });
  }

  /**
   * The new champion takes every call from now on; the old one drains and is released. A
   * challenger that no longer fits beside it (the same entry or version, other features) ends.
   */
  install(entry: ModelEntry): void {
    const old = this.state.champion;
    let challenger = this.state.challenger;
    if (
      challenger &&
      (challenger.entry === entry ||
        incompatibility(entry.model, challenger.entry.model) ||
        challenger.entry.version === entry.version)
    ) {
      if (challenger.entry !== entry) void challenger.entry.retire();
      challenger = null;
      this.deps.settings.dropAb();
    }
    this.state = { champion: entry, challenger };
    entry.resetFailures();
    this.problemText = null;
    if (old && old !== entry) void old.retire();
    this.announce({ name: entry.name, version: entry.version });
  }

  /** The champion is out of service: nothing serves (and no A/B test runs) until a version is installed. */
  degrade(reason: string): void {
    const { champion, challenger } = this.state;
    this.state = { champion: null, challenger: null };
    if (challenger) void challenger.entry.retire();
    this.problemText = reason;
    if (champion) this.announce(null);
  }

  /** Releases every serving session (waits up to 5 s for running calls). */
  async close(reason: string): Promise<void> {
    await this.settled();
    const { champion, challenger } = this.state;
    this.state = { champion: null, challenger: null };
    this.problemText = reason;
    await Promise.all([champion?.retire(), challenger?.entry.retire()]);
    await Promise.all([champion?.drained(5_000), challenger?.entry.drained(5_000)]);
  }

  private announce(model: ModelRef | null): void {
    this.deps.broadcast(model);
    this.changes.emit(model);
  }
}
