CREATE TABLE "customer_action_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"customer_id" uuid,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"confirm_text" jsonb NOT NULL,
	"success_text" jsonb NOT NULL,
	"failure_text" jsonb NOT NULL,
	"connection" text NOT NULL,
	"method" text DEFAULT 'POST' NOT NULL,
	"path" text NOT NULL,
	"send_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"inputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"segments" text[] DEFAULT '{}'::text[] NOT NULL,
	"rate_limit_max" integer DEFAULT 3 NOT NULL,
	"rate_limit_window_minutes" integer DEFAULT 60 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_actions_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "customer_ticket_ratings" (
	"reference" text PRIMARY KEY NOT NULL,
	"customer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_action_runs" ADD CONSTRAINT "customer_action_runs_action_id_customer_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."customer_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_action_runs" ADD CONSTRAINT "customer_action_runs_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_ticket_ratings" ADD CONSTRAINT "customer_ticket_ratings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_action_runs_action_idx" ON "customer_action_runs" USING btree ("action_id","created_at");--> statement-breakpoint
CREATE INDEX "customer_action_runs_customer_idx" ON "customer_action_runs" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "customer_actions_position_idx" ON "customer_actions" USING btree ("position");