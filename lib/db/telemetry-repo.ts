import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from './client';
import { telemetry } from './schema';
import type { Point } from '../twin/types';

export interface StoredPoint {
  assetId: string;
  ts: number;
  values: Record<string, number>;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  actual: number | null;
  modelVersion: string | null;
  flags: string[];
}

/** Telemetry table access: batched inserts from the pipeline, range reads for history. */
export function telemetryRepo(db: Db) {
  return {
    /** One INSERT for the whole batch. */
    async insertMany(rows: { assetId: string; point: Point }[]): Promise<void> {
      if (!rows.length) return;
      await db.insert(telemetry).values(
        rows.map(({ assetId, point }) => ({
          assetId,
          ts: new Date(point.ts),
          values: point.values,
          prediction: point.prediction,
          lower: point.lower,
          upper: point.upper,
          actual: point.actual ?? null,
          modelVersion: point.modelVersion,
          flags: point.flags,
        })),
      );
    },

    async range(assetId: string, from: Date, to: Date, limit = 100_000): Promise<StoredPoint[]> {
      const rows = await db
        .select()
        .from(telemetry)
        .where(and(eq(telemetry.assetId, assetId), gte(telemetry.ts, from), lte(telemetry.ts, to)))
        .orderBy(asc(telemetry.ts), asc(telemetry.id))
        .limit(limit);
      return rows.map((r) => ({
        assetId: r.assetId,
        ts: r.ts.getTime(),
        values: r.values,
        prediction: r.prediction,
        lower: r.lower,
        upper: r.upper,
        actual: r.actual,
        modelVersion: r.modelVersion,
        flags: r.flags,
      }));
    },

    async count(assetId?: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(telemetry)
        .where(assetId ? eq(telemetry.assetId, assetId) : undefined);
      return row?.n ?? 0;
    },
  };
}

export type TelemetryRepo = ReturnType<typeof telemetryRepo>;
