-- Telemetry becomes unique on (asset_id, ts): a retried reading is one row. Rows stored twice
-- before (the old index allowed it) are removed first, keeping the lowest id, and the rollup
-- buckets they counted in are recomputed from what remains (same formula as rebuildRollup).
CREATE TEMP TABLE "ingest_dedupe_buckets" AS
  SELECT DISTINCT t."asset_id", to_timestamp(floor(extract(epoch from t."ts") / 10) * 10) AS "bucket"
  FROM "telemetry" t
  WHERE EXISTS (SELECT 1 FROM "telemetry" k WHERE k."asset_id" = t."asset_id" AND k."ts" = t."ts" AND k."id" < t."id");--> statement-breakpoint
DELETE FROM "telemetry" t USING "telemetry" k
  WHERE k."asset_id" = t."asset_id" AND k."ts" = t."ts" AND k."id" < t."id";--> statement-breakpoint
DELETE FROM "telemetry_rollup" r USING "ingest_dedupe_buckets" b
  WHERE r."asset_id" = b."asset_id" AND r."bucket" = b."bucket";--> statement-breakpoint
INSERT INTO "telemetry_rollup" ("asset_id", "signal", "bucket", "n", "min", "min_ts", "max", "max_ts")
  SELECT s.asset_id, s.signal, s.bucket, count(*)::int,
         min(s.v), (array_agg(s.ts ORDER BY s.v ASC, s.ts ASC))[1],
         max(s.v), (array_agg(s.ts ORDER BY s.v DESC, s.ts ASC))[1]
  FROM (
    SELECT t.asset_id, t.ts, to_timestamp(floor(extract(epoch from t.ts) / 10) * 10) AS bucket, x.signal, x.v
    FROM "telemetry" t
    JOIN "ingest_dedupe_buckets" b
      ON b."asset_id" = t."asset_id" AND t."ts" >= b."bucket" AND t."ts" < b."bucket" + interval '10 seconds'
    CROSS JOIN LATERAL (
      SELECT e.key AS signal, (e.value)::text::float8 AS v FROM jsonb_each(t."values") e WHERE jsonb_typeof(e.value) = 'number'
      UNION ALL SELECT 'prediction', t.prediction WHERE t.prediction IS NOT NULL
      UNION ALL SELECT 'lower', t.lower WHERE t.lower IS NOT NULL
      UNION ALL SELECT 'upper', t.upper WHERE t.upper IS NOT NULL
      UNION ALL SELECT 'actual', t.actual WHERE t.actual IS NOT NULL
    ) x
  ) s
  GROUP BY 1, 2, 3;--> statement-breakpoint
DROP TABLE "ingest_dedupe_buckets";--> statement-breakpoint
DROP INDEX "telemetry_asset_ts_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "telemetry_asset_ts_uq" ON "telemetry" USING btree ("asset_id","ts");
