CREATE TABLE "alarm_journal" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alarm_id" bigint NOT NULL,
	"rule_id" uuid NOT NULL,
	"asset_id" text NOT NULL,
	"signal" text NOT NULL,
	"priority" text NOT NULL,
	"event" text NOT NULL,
	"state_after" text NOT NULL,
	"who" text NOT NULL,
	"comment" text,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alarm_out_of_service" (
	"scope" text NOT NULL,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"by" text NOT NULL,
	"since" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alarm_out_of_service_pk" PRIMARY KEY("scope","target"),
	CONSTRAINT "alarm_out_of_service_scope_check" CHECK ("alarm_out_of_service"."scope" in ('rule', 'asset'))
);
--> statement-breakpoint
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_state_check";--> statement-breakpoint
DROP INDEX "alerts_one_open_per_rule_idx";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "state" SET DEFAULT 'active_unacked';--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "priority" text DEFAULT 'medium' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "priority" text DEFAULT 'medium' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "returned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "shelf_kind" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "shelved_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "shelved_by" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "shelve_reason" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "state_before_oos" text;--> statement-breakpoint
-- Data: the old lifecycle's states as their ISA-18.2 equivalents, priorities from the severity.
UPDATE "alerts" SET "state" = CASE "state" WHEN 'active' THEN 'active_unacked' WHEN 'acknowledged' THEN 'active_acked' ELSE 'normal' END;--> statement-breakpoint
UPDATE "alert_rules" SET "priority" = 'high' WHERE "severity" = 'critical';--> statement-breakpoint
UPDATE "alerts" SET "priority" = 'high' WHERE "severity" = 'critical';--> statement-breakpoint
ALTER TABLE "alarm_journal" ADD CONSTRAINT "alarm_journal_alarm_id_alerts_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alarm_journal_at_idx" ON "alarm_journal" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "alarm_journal_asset_at_idx" ON "alarm_journal" USING btree ("asset_id","at");--> statement-breakpoint
CREATE INDEX "alarm_journal_alarm_idx" ON "alarm_journal" USING btree ("alarm_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_open_per_rule_idx" ON "alerts" USING btree ("rule_id","asset_id") WHERE "alerts"."state" <> 'normal';--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_priority_check" CHECK ("alert_rules"."priority" in ('low', 'medium', 'high', 'urgent'));--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_priority_check" CHECK ("alerts"."priority" in ('low', 'medium', 'high', 'urgent'));--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_state_check" CHECK ("alerts"."state" in ('active_unacked', 'active_acked', 'rtn_unacked', 'shelved', 'out_of_service', 'normal'));