CREATE TABLE "note_embeddings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" bigint NOT NULL,
	"note_id" bigint NOT NULL,
	"chunk_index" integer NOT NULL,
	"heading" text,
	"content_hash" text NOT NULL,
	"source_hash" text NOT NULL,
	"model" varchar(300) NOT NULL,
	"dimensions" integer NOT NULL,
	"vector" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "note_embeddings_note_id_chunk_index_unique" UNIQUE("note_id","chunk_index"),
	CONSTRAINT "note_embeddings_dimensions_check" CHECK ("note_embeddings"."dimensions" > 0 AND octet_length("note_embeddings"."vector") = 4 * "note_embeddings"."dimensions")
);
--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD COLUMN "embedding_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD COLUMN "embedding_assistant_id" bigint;--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD COLUMN "embedding_model" varchar(200);--> statement-breakpoint
ALTER TABLE "note_embeddings" ADD CONSTRAINT "note_embeddings_vault_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."obsidian_integration_settings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_embeddings" ADD CONSTRAINT "note_embeddings_note_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_note_embeddings_vault_id_model" ON "note_embeddings" USING btree ("vault_id","model");--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD CONSTRAINT "librarian_assistant_embedding_assistant_id_fk" FOREIGN KEY ("embedding_assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE set null ON UPDATE no action;