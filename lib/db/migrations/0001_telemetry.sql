CREATE TABLE "telemetry" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"asset_id" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"values" jsonb NOT NULL,
	"prediction" double precision,
	"lower" double precision,
	"upper" double precision,
	"actual" double precision,
	"model_version" text,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX "telemetry_asset_ts_idx" ON "telemetry" USING btree ("asset_id","ts");