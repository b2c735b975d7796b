CREATE TABLE "widget_sites" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"allowed_origins" text[] NOT NULL,
	"identity_secret" text NOT NULL,
	"strings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status_banner" jsonb,
	"contact_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
