ALTER TABLE "telemetry_rollup" ADD COLUMN "width_s" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "telemetry_rollup" DROP CONSTRAINT "telemetry_rollup_pk";
--> statement-breakpoint
ALTER TABLE "telemetry_rollup" ADD CONSTRAINT "telemetry_rollup_pk" PRIMARY KEY("asset_id","width_s","signal","bucket");--> statement-breakpoint
-- Backfill: the 1 min, 5 min, 15 min and 1 h levels of every 10 s bucket stored before this migration.
INSERT INTO "telemetry_rollup" ("asset_id", "width_s", "signal", "bucket", "n", "min", "min_ts", "max", "max_ts")
SELECT r.asset_id, w.width_s, r.signal, to_timestamp(floor(extract(epoch from r.bucket) / w.width_s) * w.width_s),
       sum(r.n)::int,
       min(r.min), (array_agg(r.min_ts ORDER BY r.min ASC, r.min_ts ASC))[1],
       max(r.max), (array_agg(r.max_ts ORDER BY r.max DESC, r.max_ts ASC))[1]
FROM "telemetry_rollup" r, (VALUES (60), (300), (900), (3600)) AS w(width_s)
WHERE r.width_s = 10
GROUP BY 1, 2, 3, 4;
