/**
 * Applying a serving choice stored by another instance (the database is the truth): the version
 * activated there and its A/B test are loaded here, without storing or auditing anything again.
 * A version this instance cannot find or load leaves what serves here (logged).
 */
import type { Logger } from '../log';
import { loadModelPackage } from '../model';
import type { Activation } from './activation';
import type { AbStats } from './ab-stats';
import type { AbTest } from './ab-test';
import { ModelEntry } from './model-entry';
import { refKey } from './serving-types';
import type { ServingSettings } from './serving-settings';
import type { VersionRegistry } from './version-registry';

export interface StoredChoiceDeps {
  activation: Activation;
  registry: VersionRegistry;
  settings: ServingSettings;
  abTest: AbTest;
  stats: AbStats;
  log: Logger;
}

/** Serves what the settings say now (see the file comment). */
export function applyStoredChoice(deps: StoredChoiceDeps): Promise<void> {
  const { activation, registry, settings, abTest, stats, log } = deps;
  return activation.exclusive(async () => {
    const saved = await settings.activated();
    if (saved && activation.state.champion?.key !== refKey(saved)) {
      const found = await registry.find(saved);
      if (!found) log.warn({ model: saved }, 'activated elsewhere, but no such package here');
      else {
        activation.install(new ModelEntry(await loadModelPackage(found.dir), found.source), {
          persist: false,
          local: true,
        });
        log.info({ model: refKey(saved) }, 'model activated on another instance');
      }
    }
    const ab = await settings.savedAb();
    const challenger = activation.state.challenger;
    if (!ab) {
      if (!challenger) return;
      activation.state = { champion: activation.state.champion, challenger: null };
      void challenger.entry.retire();
      log.info('A/B test stopped on another instance');
      return;
    }
    const same =
      challenger?.entry.key === refKey(ab) &&
      challenger.share === (ab.share ?? 0) &&
      (challenger.mode ?? 'split') === ab.mode;
    if (same) return;
    if (challenger) void challenger.entry.retire();
    activation.state = { champion: activation.state.champion, challenger: null };
    await abTest.restore({ keepSetting: true });
    if (activation.state.challenger) stats.reset();
  });
}
