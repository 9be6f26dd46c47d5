ALTER TABLE "librarian_assistant" ALTER COLUMN "ai_provider" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "librarian_assistant" ALTER COLUMN "model" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD COLUMN "assistant_id" bigint;--> statement-breakpoint
ALTER TABLE "librarian_assistant" ADD CONSTRAINT "librarian_assistant_assistant_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_librarian_assistant" ON "librarian_assistant" USING btree ("assistant_id");