-- Issue 16 (scale-out): each point's stream seq stored with it (a new owner continues from the
-- stored maximum; unique per asset: the last fence against two owners), readings committed by a
-- non-owner wait as pending for the owner, and each asset's stream epoch.
CREATE TABLE "asset_streams" (
	"asset_id" text PRIMARY KEY NOT NULL,
	"epoch" text NOT NULL,
	"owner" text,
	"taken_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "telemetry" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "telemetry" ADD COLUMN "pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "telemetry_asset_seq_uq" ON "telemetry" USING btree ("asset_id","seq") WHERE "telemetry"."seq" is not null;--> statement-breakpoint
CREATE INDEX "telemetry_pending_idx" ON "telemetry" USING btree ("asset_id","ts") WHERE "telemetry"."pending";