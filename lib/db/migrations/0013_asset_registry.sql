CREATE TABLE "asset_signals" (
	"asset_id" text NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"label" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"tag" text,
	"scale" double precision,
	"offset" double precision,
	CONSTRAINT "asset_signals_asset_id_name_pk" PRIMARY KEY("asset_id","name"),
	CONSTRAINT "asset_signals_range_check" CHECK ("asset_signals"."min" < "asset_signals"."max")
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" text PRIMARY KEY NOT NULL,
	"position" bigserial NOT NULL,
	"name" text NOT NULL,
	"path" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"setpoints" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "assets_source_check" CHECK ("assets"."source" in ('simulator', 'external'))
);
--> statement-breakpoint
ALTER TABLE "asset_signals" ADD CONSTRAINT "asset_signals_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "asset_signals_tag_idx" ON "asset_signals" USING btree ("asset_id","tag");--> statement-breakpoint
CREATE INDEX "assets_position_idx" ON "assets" USING btree ("position");