-- Issue 18: telemetry partitioned by range of ts, one partition per UTC day plus a DEFAULT one,
-- so retention drops whole days (lib/db/telemetry-partitions.ts) instead of deleting rows. Written
-- by hand (drizzle cannot declare a partitioned table); lib/db/schema.ts stays its drizzle view.
-- A partitioned table's unique indexes must hold the partition key: (asset_id, ts) does; the old
-- primary key on id and the unique (asset_id, seq) index cannot stay. id keeps its sequence (unique
-- by it, the export's tie-breaker); the seq fence moves to asset_streams.last_seq (stream-repo).
-- Existing rows are copied into the new table: a partition for every day that has rows, and for
-- today and the next 7 days (later days are made ahead by the retention job). Self-contained:
-- needs only the tables of migrations 0001-0014.
ALTER TABLE "telemetry" RENAME TO "telemetry_unpartitioned";--> statement-breakpoint
ALTER INDEX "telemetry_asset_ts_uq" RENAME TO "telemetry_unpartitioned_asset_ts_uq";--> statement-breakpoint
ALTER INDEX "telemetry_asset_seq_uq" RENAME TO "telemetry_unpartitioned_asset_seq_uq";--> statement-breakpoint
ALTER INDEX "telemetry_pending_idx" RENAME TO "telemetry_unpartitioned_pending_idx";--> statement-breakpoint
-- The id sequence outlives the old table (dropping a table drops the sequences it owns).
ALTER SEQUENCE "telemetry_id_seq" OWNED BY NONE;--> statement-breakpoint
CREATE TABLE "telemetry" (
	"id" bigint DEFAULT nextval('telemetry_id_seq'::regclass) NOT NULL,
	"asset_id" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"values" jsonb NOT NULL,
	"prediction" double precision,
	"lower" double precision,
	"upper" double precision,
	"actual" double precision,
	"model_version" text,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"seq" bigint,
	"pending" boolean DEFAULT false NOT NULL
) PARTITION BY RANGE ("ts");--> statement-breakpoint
ALTER SEQUENCE "telemetry_id_seq" OWNED BY "telemetry"."id";--> statement-breakpoint
-- Every reading has a home: one older than the oldest day partition (or on a day without one).
CREATE TABLE "telemetry_default" PARTITION OF "telemetry" DEFAULT;--> statement-breakpoint
DO $$
DECLARE
  d date;
BEGIN
  FOR d IN
    SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM "telemetry_unpartitioned"
    UNION
    SELECT g::date FROM generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day') g
  LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "telemetry" FOR VALUES FROM (%L) TO (%L)',
      'telemetry_p' || to_char(d, 'YYYYMMDD'),
      to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00',
      to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00'
    );
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "telemetry" ("id", "asset_id", "ts", "values", "prediction", "lower", "upper", "actual", "model_version", "flags", "seq", "pending")
  SELECT "id", "asset_id", "ts", "values", "prediction", "lower", "upper", "actual", "model_version", "flags", "seq", "pending"
  FROM "telemetry_unpartitioned";--> statement-breakpoint
-- Indexes after the copy: one sorted build per partition instead of row-by-row inserts.
CREATE UNIQUE INDEX "telemetry_asset_ts_uq" ON "telemetry" USING btree ("asset_id","ts");--> statement-breakpoint
CREATE INDEX "telemetry_asset_seq_idx" ON "telemetry" USING btree ("asset_id","seq") WHERE "telemetry"."seq" is not null;--> statement-breakpoint
CREATE INDEX "telemetry_pending_idx" ON "telemetry" USING btree ("asset_id","ts") WHERE "telemetry"."pending";--> statement-breakpoint
ALTER TABLE "asset_streams" ADD COLUMN "last_seq" bigint;--> statement-breakpoint
UPDATE "asset_streams" s SET "last_seq" = (
  SELECT max(t."seq") FROM "telemetry_unpartitioned" t WHERE t."asset_id" = s."asset_id" AND t."seq" IS NOT NULL
);--> statement-breakpoint
DROP TABLE "telemetry_unpartitioned";
