CREATE TABLE "backtests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"started_by" text NOT NULL,
	"owner" text NOT NULL,
	"model_name" text NOT NULL,
	"model_version" text NOT NULL,
	"serving_version" text,
	"asset_id" text NOT NULL,
	"range_from" timestamp (3) with time zone NOT NULL,
	"range_to" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"heartbeat_at" timestamp (3) with time zone NOT NULL,
	"error" text,
	"result" jsonb,
	CONSTRAINT "backtests_status_check" CHECK ("backtests"."status" in ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'))
);
--> statement-breakpoint
CREATE INDEX "backtests_started_idx" ON "backtests" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "backtests_status_idx" ON "backtests" USING btree ("status");