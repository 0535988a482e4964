CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" text NOT NULL,
	"signal" text NOT NULL,
	"severity" text DEFAULT 'warning' NOT NULL,
	"low" double precision,
	"high" double precision,
	"deadband" double precision DEFAULT 0 NOT NULL,
	"min_duration_ms" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"shelved_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "alert_rules_severity_check" CHECK ("alert_rules"."severity" in ('warning', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"asset_id" text NOT NULL,
	"signal" text NOT NULL,
	"severity" text NOT NULL,
	"direction" text NOT NULL,
	"limit_value" double precision NOT NULL,
	"value" double precision NOT NULL,
	"peak" double precision NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"raised_at" timestamp (3) with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"ack_comment" text,
	"cleared_at" timestamp (3) with time zone,
	CONSTRAINT "alerts_state_check" CHECK ("alerts"."state" in ('active', 'acknowledged', 'cleared'))
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_rules_asset_signal_severity_idx" ON "alert_rules" USING btree ("asset_id","signal","severity");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_open_per_rule_idx" ON "alerts" USING btree ("rule_id","asset_id") WHERE "alerts"."state" <> 'cleared';--> statement-breakpoint
CREATE INDEX "alerts_raised_idx" ON "alerts" USING btree ("raised_at");--> statement-breakpoint
CREATE INDEX "alerts_asset_raised_idx" ON "alerts" USING btree ("asset_id","raised_at");