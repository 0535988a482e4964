ALTER TABLE "assets" ADD COLUMN "sparkplug_group" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "sparkplug_edge" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "sparkplug_device" text;--> statement-breakpoint
CREATE UNIQUE INDEX "assets_sparkplug_idx" ON "assets" USING btree ("sparkplug_group","sparkplug_edge","sparkplug_device") WHERE "assets"."retired_at" is null and "assets"."sparkplug_group" is not null;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_sparkplug_check" CHECK (("assets"."sparkplug_group" is null) = ("assets"."sparkplug_edge" is null) and ("assets"."sparkplug_group" is null) = ("assets"."sparkplug_device" is null));