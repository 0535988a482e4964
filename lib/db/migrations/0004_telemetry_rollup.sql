CREATE TABLE "telemetry_rollup" (
	"asset_id" text NOT NULL,
	"signal" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"n" integer NOT NULL,
	"min" double precision NOT NULL,
	"min_ts" timestamp (3) with time zone NOT NULL,
	"max" double precision NOT NULL,
	"max_ts" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "telemetry_rollup_pk" PRIMARY KEY("asset_id","signal","bucket")
);
--> statement-breakpoint
-- Backfill: the rollup of every reading stored before this migration.
INSERT INTO "telemetry_rollup" ("asset_id", "signal", "bucket", "n", "min", "min_ts", "max", "max_ts")
SELECT s.asset_id, s.signal, to_timestamp(floor(extract(epoch from s.ts) / 10) * 10), count(*)::int,
       min(s.v), (array_agg(s.ts ORDER BY s.v ASC, s.ts ASC))[1],
       max(s.v), (array_agg(s.ts ORDER BY s.v DESC, s.ts ASC))[1]
FROM (
  SELECT t.asset_id, t.ts, e.key AS signal, (e.value)::text::float8 AS v
  FROM "telemetry" t, jsonb_each(t."values") e WHERE jsonb_typeof(e.value) = 'number'
  UNION ALL SELECT asset_id, ts, 'prediction', prediction FROM "telemetry" WHERE prediction IS NOT NULL
  UNION ALL SELECT asset_id, ts, 'lower', lower FROM "telemetry" WHERE lower IS NOT NULL
  UNION ALL SELECT asset_id, ts, 'upper', upper FROM "telemetry" WHERE upper IS NOT NULL
  UNION ALL SELECT asset_id, ts, 'actual', actual FROM "telemetry" WHERE actual IS NOT NULL
) s
GROUP BY 1, 2, 3;
