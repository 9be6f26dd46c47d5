CREATE TABLE "note_embedding_skips" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" bigint NOT NULL,
	"note_id" bigint NOT NULL,
	"chunk_index" integer NOT NULL,
	"heading" text,
	"content_hash" text NOT NULL,
	"source_hash" text NOT NULL,
	"model" varchar(300) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "note_embedding_skips_note_id_chunk_index_unique" UNIQUE("note_id","chunk_index")
);
--> statement-breakpoint
ALTER TABLE "note_embedding_skips" ADD CONSTRAINT "note_embedding_skips_vault_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."obsidian_integration_settings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_embedding_skips" ADD CONSTRAINT "note_embedding_skips_note_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_note_embedding_skips_vault_id_model" ON "note_embedding_skips" USING btree ("vault_id","model");