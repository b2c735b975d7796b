ALTER TABLE "tickets" ADD COLUMN "callback_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "callback_status" text;--> statement-breakpoint
CREATE INDEX "tickets_callback_due_idx" ON "tickets" USING btree ("callback_status","callback_due_at");