ALTER TABLE "alerts" DROP CONSTRAINT "alerts_state_check";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "state_before_suppression" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_state_check" CHECK ("alerts"."state" in ('active_unacked', 'active_acked', 'rtn_unacked', 'shelved', 'out_of_service', 'suppressed', 'normal'));