/**
 * What of the serving choice survives a restart, in the settings table: the version an admin
 * activated ('model.active') and the running A/B test ('model.ab'). Reads never throw (a broken
 * or unreadable setting counts as none); writes made for an admin's request do.
 */
import { z } from 'zod';
import type { SettingsRepo } from '../db/settings-repo';
import type { Logger } from '../log';
import { abConfigSchema, type AbConfig } from './ab-split';
import type { ModelRef } from './serving-types';

export const ACTIVE_KEY = 'model.active';
export const AB_KEY = 'model.ab';

const refSchema = z.object({ name: z.string().min(1), version: z.string().min(1) });

export class ServingSettings {
  constructor(
    private readonly repo: SettingsRepo,
    private readonly log: Logger,
  ) {}

  /** The version an admin activated, or null (none, unreadable, or not a valid reference). */
  async activated(): Promise<ModelRef | null> {
    const persisted = await this.repo.get(ACTIVE_KEY).catch((err: unknown) => {
      this.log.warn({ err }, 'could not read the activated model version');
      return null;
    });
    const saved = refSchema.safeParse(persisted?.value);
    return saved.success ? saved.data : null;
  }

  saveActive(ref: ModelRef, by: string): Promise<void> {
    return this.repo.set(ACTIVE_KEY, { name: ref.name, version: ref.version }, by);
  }

  /** The A/B test that ran before the restart, or null. */
  async savedAb(): Promise<AbConfig | null> {
    const saved = await this.repo.get(AB_KEY).catch(() => null);
    if (!saved) return null;
    const parsed = abConfigSchema.safeParse(saved.value);
    return parsed.success ? parsed.data : null;
  }

  saveAb(config: AbConfig, by: string): Promise<void> {
    return this.repo.set(AB_KEY, config, by);
  }

  /** The A/B test is over (throws when the setting cannot be removed). */
  clearAb(): Promise<void> {
    return this.repo.delete(AB_KEY);
  }

  /** The A/B test ended by itself (the challenger failed or no longer fits): logged, never thrown. */
  dropAb(): void {
    void this.repo.delete(AB_KEY).catch((err: unknown) => this.log.warn({ err }, 'could not clear the A/B setting'));
  }
}
