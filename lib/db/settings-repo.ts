import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { settings } from './schema';

export interface Setting<T = unknown> {
  key: string;
  value: T;
  updatedAt: Date;
  updatedBy: string | null;
}

/**
 * Console-wide settings that must survive a restart (the active model version, the A/B test):
 * one JSON value per key. Values are whatever the owner wrote; owners validate on read, since
 * a value may come from an older version of the console.
 */
export function settingsRepo(db: Db) {
  return {
    async get(key: string): Promise<Setting | null> {
      const [row] = await db.select().from(settings).where(eq(settings.key, key)).limit(1);
      return row ? { key: row.key, value: row.value, updatedAt: row.updatedAt, updatedBy: row.updatedBy } : null;
    },

    /** Insert or replace. */
    async set(key: string, value: unknown, updatedBy: string | null): Promise<void> {
      const now = new Date();
      await db
        .insert(settings)
        .values({ key, value, updatedAt: now, updatedBy })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now, updatedBy } });
    },

    async delete(key: string): Promise<void> {
      await db.delete(settings).where(eq(settings.key, key));
    },
  };
}

export type SettingsRepo = ReturnType<typeof settingsRepo>;
