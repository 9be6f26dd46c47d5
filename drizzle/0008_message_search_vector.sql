DROP INDEX "idx_messages_content_search";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" "tsvector";--> statement-breakpoint
CREATE INDEX "idx_messages_search_pending" ON "messages" USING btree ("id") WHERE "messages"."search_vector" IS NULL;--> statement-breakpoint
CREATE INDEX "idx_messages_content_search" ON "messages" USING gin ("search_vector");--> statement-breakpoint
-- Custom: filling search_vector of an existing message (the backfill of rows written before this
-- migration, search/messages.ts) is not a change of the message, so it leaves updated_at alone.
CREATE OR REPLACE TRIGGER update_messages_updated_at BEFORE UPDATE ON "messages"
    FOR EACH ROW
    WHEN (NOT (OLD.search_vector IS NULL AND NEW.search_vector IS NOT NULL AND NEW.content IS NOT DISTINCT FROM OLD.content))
    EXECUTE FUNCTION update_updated_at_column();
