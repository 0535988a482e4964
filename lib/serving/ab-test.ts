/**
 * The A/B test: a challenger version beside the serving one, either sent `share` of predictions
 * (split) or scoring every live point unseen (shadow), with side-by-side figures of both; its
 * start, end, promotion, and its return after a restart. Routing itself is done by the serving
 * views (ab-split.ts decides each row).
 */
import type { Logger } from '../log';
import { loadModelPackage } from '../model';
import type { Activation } from './activation';
import { incompatibility, type AbConfig } from './ab-split';
import type { AbStats } from './ab-stats';
import type { ModelAudit } from './model-audit';
import { ModelEntry } from './model-entry';
import {
  ModelConflictError,
  ModelNotFoundError,
  refKey,
  type AbView,
  type Actor,
  type ModelRef,
} from './serving-types';
import type { ServingSettings } from './serving-settings';
import type { VersionRegistry } from './version-registry';

export interface AbTestDeps {
  activation: Activation;
  registry: VersionRegistry;
  settings: ServingSettings;
  audit: ModelAudit;
  stats: AbStats;
  log: Logger;
}

export class AbTest {
  constructor(private readonly deps: AbTestDeps) {}

  view(): AbView {
    const { champion, challenger } = this.deps.activation.state;
    const versions = [champion?.version, challenger?.entry.version].filter((v): v is string => Boolean(v));
    const summary = this.deps.stats.summary(versions);
    return {
      running: Boolean(challenger),
      champion: champion ? { name: champion.name, version: champion.version } : null,
      challenger: challenger
        ? {
            name: challenger.entry.name,
            version: challenger.entry.version,
            share: challenger.share,
            mode: challenger.mode ?? 'split',
          }
        : null,
      since: summary.since,
      versions: summary.versions,
    };
  }

  /**
   * Sends `share` of predictions to `config`'s version, next to the serving one; in shadow mode
   * none: the challenger scores every live point unseen and only its figures accrue.
   */
  async start(config: AbConfig, actor: Actor): Promise<AbView> {
    const { activation, registry, settings, audit, stats, log } = this.deps;
    await activation.exclusive(async () => {
      const champion = activation.state.champion;
      if (!champion) throw new ModelConflictError('no model is serving: activate one before starting an A/B test');
      if (champion.key === refKey(config))
        throw new ModelConflictError(`${config.name} ${config.version} is already the serving version`);
      if (champion.version === config.version)
        throw new ModelConflictError(
          `the challenger needs a version number other than the serving one (${champion.version})`,
        );
      const entry = await registry.loadEntry(config, actor, 'model.ab.start');
      const why = incompatibility(champion.model, entry.model);
      if (why) {
        await entry.retire();
        await audit(actor, 'model.ab.start', config, 'failure', { reason: why });
        throw new ModelConflictError(why);
      }
      await settings.saveAb(config, actor.username);
      const old = activation.state.challenger;
      activation.state = { champion, challenger: { entry, share: config.share ?? 0, mode: config.mode } };
      void old?.entry.retire();
      stats.reset();
      await audit(actor, 'model.ab.start', config, 'success', {
        mode: config.mode,
        share: config.share ?? 0,
        champion: champion.key,
      });
      log.info(
        { challenger: entry.key, mode: config.mode, share: config.share ?? 0, by: actor.username },
        'A/B test started',
      );
    });
    return this.view();
  }

  /** Ends the A/B test; everything goes to the serving version again. */
  async stop(actor: Actor): Promise<AbView> {
    const { activation, settings, audit, stats } = this.deps;
    await activation.exclusive(async () => {
      const challenger = activation.state.challenger;
      await settings.clearAb();
      if (!challenger) return;
      activation.state = { champion: activation.state.champion, challenger: null };
      void challenger.entry.retire();
      const ref = { name: challenger.entry.name, version: challenger.entry.version };
      await audit(actor, 'model.ab.stop', ref, 'success', {
        stats: stats.summary([challenger.entry.version]).versions[0],
      });
    });
    return this.view();
  }

  /** Makes the challenger the serving version (persisted) and ends the test. */
  async promote(actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    const challenger = this.deps.activation.state.challenger;
    if (!challenger) throw new ModelConflictError('no A/B test is running');
    return this.deps.activation.activate({ name: challenger.entry.name, version: challenger.entry.version }, actor);
  }

  /** The test that ran before a restart, beside the champion just loaded; dropped if it cannot run any more. */
  async restore(): Promise<void> {
    const { activation, registry, settings, log } = this.deps;
    const saved = await settings.savedAb();
    const champion = activation.state.champion;
    if (!saved || !champion) return;
    try {
      const found = await registry.find(saved);
      if (!found) throw new ModelNotFoundError(saved);
      const entry = new ModelEntry(await loadModelPackage(found.dir), found.source);
      const why =
        incompatibility(champion.model, entry.model) ??
        (entry.version === champion.version ? 'same version as the serving one' : null);
      if (why) {
        await entry.retire();
        throw new Error(why);
      }
      activation.state = { champion, challenger: { entry, share: saved.share ?? 0, mode: saved.mode } };
      log.info({ challenger: entry.key, mode: saved.mode, share: saved.share }, 'A/B test restored');
    } catch (err) {
      log.warn({ err, ab: saved }, 'could not restore the A/B test; it is stopped');
      await settings.clearAb().catch(() => undefined);
    }
  }
}
