CREATE TABLE "note_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" bigint NOT NULL,
	"source_note_id" bigint NOT NULL,
	"target" text NOT NULL,
	"subpath" text,
	"alias" text,
	"embed" boolean DEFAULT false NOT NULL,
	"kind" varchar(20) NOT NULL,
	"line" integer NOT NULL,
	"target_key" text NOT NULL,
	"target_name" text NOT NULL,
	"resolved_note_id" bigint,
	CONSTRAINT "note_links_kind_check" CHECK ("note_links"."kind" IN ('wikilink', 'markdown', 'frontmatter'))
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" bigint NOT NULL,
	"path" text NOT NULL,
	"folder" text DEFAULT '' NOT NULL,
	"title" text NOT NULL,
	"link_name" text NOT NULL,
	"link_path" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"headings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"frontmatter" jsonb,
	"body" text DEFAULT '' NOT NULL,
	"kind" varchar(20) DEFAULT 'markdown' NOT NULL,
	"size" bigint NOT NULL,
	"mtime" timestamp with time zone NOT NULL,
	"content_hash" text NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"parse_error" text,
	CONSTRAINT "notes_vault_id_path_unique" UNIQUE("vault_id","path"),
	CONSTRAINT "notes_kind_check" CHECK ("notes"."kind" IN ('markdown', 'excalidraw'))
);
--> statement-breakpoint
CREATE TABLE "vault_index_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" bigint NOT NULL,
	"path" text NOT NULL,
	"severity" varchar(10) NOT NULL,
	"message" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vault_index_errors_vault_id_path_unique" UNIQUE("vault_id","path"),
	CONSTRAINT "vault_index_errors_severity_check" CHECK ("vault_index_errors"."severity" IN ('error', 'warning'))
);
--> statement-breakpoint
ALTER TABLE "obsidian_integration_settings" ADD COLUMN "index_generation" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "note_links" ADD CONSTRAINT "note_links_vault_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."obsidian_integration_settings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_links" ADD CONSTRAINT "note_links_source_note_id_fk" FOREIGN KEY ("source_note_id") REFERENCES "public"."notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_links" ADD CONSTRAINT "note_links_resolved_note_id_fk" FOREIGN KEY ("resolved_note_id") REFERENCES "public"."notes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_vault_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."obsidian_integration_settings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_index_errors" ADD CONSTRAINT "vault_index_errors_vault_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."obsidian_integration_settings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_note_links_source_note_id" ON "note_links" USING btree ("source_note_id");--> statement-breakpoint
CREATE INDEX "idx_note_links_resolved_note_id" ON "note_links" USING btree ("resolved_note_id");--> statement-breakpoint
CREATE INDEX "idx_note_links_vault_id_target_name" ON "note_links" USING btree ("vault_id","target_name");--> statement-breakpoint
CREATE INDEX "idx_notes_search_vector" ON "notes" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "idx_notes_tags" ON "notes" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "idx_notes_vault_id_lower_title" ON "notes" USING btree ("vault_id",lower("title"));--> statement-breakpoint
CREATE INDEX "idx_notes_vault_id_link_name" ON "notes" USING btree ("vault_id","link_name");--> statement-breakpoint
CREATE INDEX "idx_notes_vault_id_folder" ON "notes" USING btree ("vault_id","folder");--> statement-breakpoint
CREATE INDEX "idx_notes_vault_id_mtime" ON "notes" USING btree ("vault_id","mtime");--> statement-breakpoint
ALTER TABLE "obsidian_integration_settings" ADD CONSTRAINT "obsidian_integration_settings_vault_path_unique" UNIQUE("vault_path");