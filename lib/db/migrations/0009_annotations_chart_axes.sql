CREATE TABLE "annotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" text,
	"start_ts" timestamp (3) with time zone NOT NULL,
	"end_ts" timestamp (3) with time zone,
	"note" text NOT NULL,
	"author_id" uuid,
	"author_username" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "annotations_range_check" CHECK ("annotations"."end_ts" is null or "annotations"."end_ts" >= "annotations"."start_ts"),
	CONSTRAINT "annotations_note_check" CHECK (char_length("annotations"."note") between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "chart_axes" jsonb;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotations_start_idx" ON "annotations" USING btree ("start_ts");--> statement-breakpoint
CREATE INDEX "annotations_asset_start_idx" ON "annotations" USING btree ("asset_id","start_ts");