-- Custom migration (design §6.2): keep updated_at current on every UPDATE, on every table that has it.
-- CURRENT_TIMESTAMP is the transaction's start time, so updated_at moves when a later transaction updates.
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_users_updated_at BEFORE UPDATE ON "users"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_roles_updated_at BEFORE UPDATE ON "roles"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_personas_updated_at BEFORE UPDATE ON "personas"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_teams_updated_at BEFORE UPDATE ON "teams"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_ai_assistants_updated_at BEFORE UPDATE ON "ai_assistants"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_assistant_skills_updated_at BEFORE UPDATE ON "assistant_skills"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_workflows_updated_at BEFORE UPDATE ON "workflows"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_tasks_updated_at BEFORE UPDATE ON "tasks"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_conversations_updated_at BEFORE UPDATE ON "conversations"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_messages_updated_at BEFORE UPDATE ON "messages"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_obsidian_integration_settings_updated_at BEFORE UPDATE ON "obsidian_integration_settings"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_librarian_assistant_updated_at BEFORE UPDATE ON "librarian_assistant"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_ai_discussions_updated_at BEFORE UPDATE ON "ai_discussions"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_discussion_messages_updated_at BEFORE UPDATE ON "discussion_messages"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_plans_updated_at BEFORE UPDATE ON "plans"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER update_plan_approvals_updated_at BEFORE UPDATE ON "plan_approvals"
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
