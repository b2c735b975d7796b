CREATE TABLE "analytics_daily" (
	"day" date NOT NULL,
	"type" text NOT NULL,
	"channel" text NOT NULL,
	"locale" text DEFAULT '' NOT NULL,
	"segment" text DEFAULT '' NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"dim" text DEFAULT '' NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"flag_a" bigint DEFAULT 0 NOT NULL,
	"flag_b" bigint DEFAULT 0 NOT NULL,
	"total" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_daily_day_type_channel_locale_segment_subject_dim_pk" PRIMARY KEY("day","type","channel","locale","segment","subject","dim")
);
--> statement-breakpoint
CREATE TABLE "analytics_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"visitor_id" text,
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"locale" text DEFAULT '' NOT NULL,
	"segment" text DEFAULT '' NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"attempt_at" timestamp with time zone,
	"answered" boolean DEFAULT false NOT NULL,
	"negative" boolean DEFAULT false NOT NULL,
	"escalated_at" timestamp with time zone,
	"escalation_page" text,
	"next_escalation_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "analytics_state" (
	"name" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_daily_type_day_idx" ON "analytics_daily" USING btree ("type","day");--> statement-breakpoint
CREATE INDEX "analytics_sessions_day_idx" ON "analytics_sessions" USING btree ("day");--> statement-breakpoint
CREATE INDEX "analytics_sessions_visitor_idx" ON "analytics_sessions" USING btree ("visitor_id","escalated_at");