/**
 * The asset registry's storage (issue 15): assets and their signal rows. Returns domain types
 * (epoch ms times), never rows. Rules (ids, ranges, tags) live in lib/assets.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { SparkplugBinding, StoredAsset, StoredSignal } from '../assets/types';
import { isUniqueViolation } from './alerts-repo';
import type { Db } from './client';
import { assetSignals, assets } from './schema';

type AssetRow = typeof assets.$inferSelect;
type SignalRow = typeof assetSignals.$inferSelect;

/** The fields an insert or a full update writes (times are the repository's). */
export type AssetFields = Omit<StoredAsset, 'createdAt' | 'updatedAt' | 'retiredAt'>;

export class AssetExistsError extends Error {
  constructor(readonly id: string) {
    super(`asset "${id}" already exists`);
    this.name = 'AssetExistsError';
  }
}

/** Another live asset is bound to the same Sparkplug device (two instances raced, or a stale view). */
export class BindingTakenError extends Error {
  constructor(readonly binding: SparkplugBinding) {
    super(`Sparkplug device ${binding.group}/${binding.edge}/${binding.device} is bound to another asset`);
    this.name = 'BindingTakenError';
  }
}

/** A unique violation of the live assets' Sparkplug bindings (drizzle wraps the driver's error). */
function isBindingConflict(err: unknown): boolean {
  for (let e = err as { code?: string; constraint?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === '23505' && e.constraint === 'assets_sparkplug_idx') return true;
  return false;
}

const bindingColumns = (b: SparkplugBinding | null) => ({
  sparkplugGroup: b?.group ?? null,
  sparkplugEdge: b?.edge ?? null,
  sparkplugDevice: b?.device ?? null,
});

const toSignal = (r: SignalRow): StoredSignal => ({
  name: r.name,
  label: r.label,
  unit: r.unit,
  min: r.min,
  max: r.max,
  tag: r.tag,
  scale: r.scale,
  offset: r.offset,
});

function toAsset(r: AssetRow, signals: SignalRow[]): StoredAsset {
  return {
    id: r.id,
    name: r.name,
    path: r.path,
    description: r.description,
    source: r.source,
    setpoints: r.setpoints,
    signals: signals.sort((a, b) => a.position - b.position).map(toSignal),
    sparkplug:
      r.sparkplugGroup !== null && r.sparkplugEdge !== null && r.sparkplugDevice !== null
        ? { group: r.sparkplugGroup, edge: r.sparkplugEdge, device: r.sparkplugDevice }
        : null,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
    retiredAt: r.retiredAt ? r.retiredAt.getTime() : null,
  };
}

const signalRows = (assetId: string, signals: StoredSignal[]) =>
  signals.map((s, position) => ({ ...s, assetId, position }));

export function assetsRepo(db: Db) {
  async function load(where?: ReturnType<typeof eq>): Promise<StoredAsset[]> {
    const rows = await db.select().from(assets).where(where).orderBy(asc(assets.position));
    if (!rows.length) return [];
    const sigs = await db.select().from(assetSignals);
    const byAsset = new Map<string, SignalRow[]>();
    for (const s of sigs) byAsset.set(s.assetId, [...(byAsset.get(s.assetId) ?? []), s]);
    return rows.map((r) => toAsset(r, byAsset.get(r.id) ?? []));
  }

  return {
    /** Every asset in the order added; retired ones only when asked. */
    async list(opts: { retired?: boolean } = {}): Promise<StoredAsset[]> {
      return load(opts.retired ? undefined : isNull(assets.retiredAt));
    },

    async get(id: string): Promise<StoredAsset | null> {
      const [row] = await db.select().from(assets).where(eq(assets.id, id));
      if (!row) return null;
      const sigs = await db.select().from(assetSignals).where(eq(assetSignals.assetId, id));
      return toAsset(row, sigs);
    },

    /** How many assets were ever registered (retired ones too): 0 only on a new database. */
    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(assets);
      return row?.n ?? 0;
    },

    /**
     * Throws AssetExistsError when the id is taken (retired assets keep theirs), BindingTakenError
     * when a live asset has its Sparkplug binding.
     */
    async insert(a: AssetFields): Promise<StoredAsset> {
      try {
        await db.transaction(async (tx) => {
          await tx.insert(assets).values({
            id: a.id,
            name: a.name,
            path: a.path,
            description: a.description,
            source: a.source,
            setpoints: a.setpoints,
            ...bindingColumns(a.sparkplug),
          });
          if (a.signals.length) await tx.insert(assetSignals).values(signalRows(a.id, a.signals));
        });
      } catch (err) {
        if (isBindingConflict(err) && a.sparkplug) throw new BindingTakenError(a.sparkplug);
        if (isUniqueViolation(err)) throw new AssetExistsError(a.id);
        throw err;
      }
      return (await this.get(a.id))!;
    },

    /**
     * Inserts, in one statement, those of `list` whose id is free, in the order given, and
     * returns how many were new. For seeding: instances of a cluster starting together on a new
     * database race here, and one statement per instance keeps one instance's order whole (the
     * other's rows conflict and are skipped) instead of interleaving two.
     */
    async insertMissing(list: AssetFields[]): Promise<number> {
      if (!list.length) return 0;
      return db.transaction(async (tx) => {
        const rows = await tx
          .insert(assets)
          .values(
            list.map((a) => ({
              id: a.id,
              name: a.name,
              path: a.path,
              description: a.description,
              source: a.source,
              setpoints: a.setpoints,
            })),
          )
          .onConflictDoNothing({ target: assets.id })
          .returning({ id: assets.id });
        const fresh = new Set(rows.map((r) => r.id));
        const signals = list.filter((a) => fresh.has(a.id)).flatMap((a) => signalRows(a.id, a.signals));
        if (signals.length) await tx.insert(assetSignals).values(signals);
        return rows.length;
      });
    },

    /**
     * Replaces an asset's fields and signal rows at once; null when there is no such asset.
     * BindingTakenError when another live asset has its Sparkplug binding.
     */
    async update(a: AssetFields): Promise<StoredAsset | null> {
      let found: boolean;
      try {
        found = await db.transaction(async (tx) => {
          const done = await tx
            .update(assets)
            .set({
              name: a.name,
              path: a.path,
              description: a.description,
              source: a.source,
              setpoints: a.setpoints,
              ...bindingColumns(a.sparkplug),
              updatedAt: new Date(),
            })
            .where(eq(assets.id, a.id))
            .returning({ id: assets.id });
          if (!done.length) return false;
          await tx.delete(assetSignals).where(eq(assetSignals.assetId, a.id));
          if (a.signals.length) await tx.insert(assetSignals).values(signalRows(a.id, a.signals));
          return true;
        });
      } catch (err) {
        if (isBindingConflict(err) && a.sparkplug) throw new BindingTakenError(a.sparkplug);
        throw err;
      }
      return found ? this.get(a.id) : null;
    },

    /**
     * Binds a live asset that has no binding yet (the SPARKPLUG_BINDINGS seed): false when it is
     * retired, already bound, unknown, or the device is another live asset's. One statement, so
     * instances starting together seed it once.
     */
    async bindIfUnbound(id: string, b: SparkplugBinding): Promise<boolean> {
      try {
        const done = await db
          .update(assets)
          .set({ ...bindingColumns(b), updatedAt: new Date() })
          .where(and(eq(assets.id, id), isNull(assets.retiredAt), isNull(assets.sparkplugGroup)))
          .returning({ id: assets.id });
        return done.length > 0;
      } catch (err) {
        if (isBindingConflict(err)) return false;
        throw err;
      }
    },

    /** Marks it retired (idempotent: the first time is kept); null when there is no such asset. */
    async retire(id: string, at = new Date()): Promise<StoredAsset | null> {
      await db
        .update(assets)
        .set({ retiredAt: sql`coalesce(${assets.retiredAt}, ${at.toISOString()}::timestamptz)`, updatedAt: at })
        .where(eq(assets.id, id));
      return this.get(id);
    },
  };
}

export type AssetsRepo = ReturnType<typeof assetsRepo>;
