CREATE TABLE "ai_assistants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" text,
	"ai_provider" varchar(50) NOT NULL,
	"model" varchar(100) NOT NULL,
	"api_key_encrypted" text,
	"persona_id" bigint,
	"team_id" bigint,
	"created_by" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_used" timestamp with time zone,
	"usage_count" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "ai_assistants_ai_provider_check" CHECK ("ai_assistants"."ai_provider" IN ('openai', 'claude', 'gemini', 'openai_compatible')),
	CONSTRAINT "ai_assistants_usage_count_check" CHECK ("ai_assistants"."usage_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ai_discussions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" varchar(200) NOT NULL,
	"description" text,
	"topic" varchar(100) NOT NULL,
	"discussion_type" varchar(50) NOT NULL,
	"status" varchar(50) DEFAULT 'active' NOT NULL,
	"max_participants" integer DEFAULT 5 NOT NULL,
	"current_participant_count" integer DEFAULT 0 NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"consensus_reached" boolean DEFAULT false NOT NULL,
	"consensus_summary" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "ai_discussions_discussion_type_check" CHECK ("ai_discussions"."discussion_type" IN ('collaborative', 'debate', 'brainstorming', 'problem_solving')),
	CONSTRAINT "ai_discussions_status_check" CHECK ("ai_discussions"."status" IN ('active', 'paused', 'completed', 'terminated')),
	CONSTRAINT "ai_discussions_max_participants_check" CHECK ("ai_discussions"."max_participants" >= 2),
	CONSTRAINT "ai_discussions_current_participant_count_check" CHECK ("ai_discussions"."current_participant_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "assistant_skills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"assistant_id" bigint NOT NULL,
	"skill_name" varchar(100) NOT NULL,
	"skill_level" integer NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistant_skills_assistant_id_skill_name_unique" UNIQUE("assistant_id","skill_name"),
	CONSTRAINT "assistant_skills_skill_level_check" CHECK ("assistant_skills"."skill_level" BETWEEN 1 AND 10)
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" varchar(200),
	"conversation_type" varchar(50) DEFAULT 'chat' NOT NULL,
	"status" varchar(50) DEFAULT 'active' NOT NULL,
	"created_by" bigint,
	"participant_assistant_ids" bigint[],
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "conversations_conversation_type_check" CHECK ("conversations"."conversation_type" IN ('chat', 'task', 'workflow')),
	CONSTRAINT "conversations_status_check" CHECK ("conversations"."status" IN ('active', 'archived', 'deleted'))
);
--> statement-breakpoint
CREATE TABLE "discussion_interruptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"discussion_id" bigint NOT NULL,
	"interruption_type" varchar(50) NOT NULL,
	"message" text NOT NULL,
	"redirect_topic" varchar(100),
	"priority" varchar(20) DEFAULT 'medium' NOT NULL,
	"initiated_by" varchar(20) NOT NULL,
	"initiator_id" bigint,
	"discussion_status_before" varchar(50),
	"discussion_status_after" varchar(50),
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discussion_interruptions_interruption_type_check" CHECK ("discussion_interruptions"."interruption_type" IN ('pause', 'redirect', 'terminate', 'clarify')),
	CONSTRAINT "discussion_interruptions_priority_check" CHECK ("discussion_interruptions"."priority" IN ('low', 'medium', 'high', 'urgent')),
	CONSTRAINT "discussion_interruptions_initiated_by_check" CHECK ("discussion_interruptions"."initiated_by" IN ('user', 'assistant', 'system'))
);
--> statement-breakpoint
CREATE TABLE "discussion_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"discussion_id" bigint NOT NULL,
	"participant_id" bigint NOT NULL,
	"message_type" varchar(50) DEFAULT 'contribution' NOT NULL,
	"content" text NOT NULL,
	"reasoning" text,
	"confidence_level" integer,
	"note_references" text[],
	"is_consensus_forming" boolean DEFAULT false NOT NULL,
	"parent_message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discussion_messages_message_type_check" CHECK ("discussion_messages"."message_type" IN ('contribution', 'question', 'answer', 'proposal', 'agreement', 'disagreement')),
	CONSTRAINT "discussion_messages_confidence_level_check" CHECK ("discussion_messages"."confidence_level" BETWEEN 1 AND 10)
);
--> statement-breakpoint
CREATE TABLE "discussion_participants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"discussion_id" bigint NOT NULL,
	"assistant_id" bigint NOT NULL,
	"role" varchar(50) DEFAULT 'participant' NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone,
	"contribution_count" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "discussion_participants_discussion_id_assistant_id_unique" UNIQUE("discussion_id","assistant_id"),
	CONSTRAINT "discussion_participants_role_check" CHECK ("discussion_participants"."role" IN ('moderator', 'participant', 'observer')),
	CONSTRAINT "discussion_participants_contribution_count_check" CHECK ("discussion_participants"."contribution_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "librarian_assistant" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) DEFAULT '司書AI' NOT NULL,
	"description" text DEFAULT 'Obsidian知識管理を専門とするAI秘書',
	"ai_provider" varchar(50) NOT NULL,
	"model" varchar(100) NOT NULL,
	"api_key_encrypted" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"specialization" text[] DEFAULT '{"知識管理","情報検索","タグ付け","テンプレート管理"}'::text[] NOT NULL,
	"search_strategies" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"knowledge_categories" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "librarian_assistant_ai_provider_check" CHECK ("librarian_assistant"."ai_provider" IN ('openai', 'claude', 'gemini', 'openai_compatible'))
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"sender_type" varchar(20) NOT NULL,
	"sender_id" bigint,
	"content" text NOT NULL,
	"message_type" varchar(20) DEFAULT 'text' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_edited" boolean DEFAULT false NOT NULL,
	"edited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_sender_type_check" CHECK ("messages"."sender_type" IN ('user', 'assistant', 'system')),
	CONSTRAINT "messages_message_type_check" CHECK ("messages"."message_type" IN ('text', 'image', 'file', 'command'))
);
--> statement-breakpoint
CREATE TABLE "obsidian_integration_settings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_path" text NOT NULL,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"auto_sync" boolean DEFAULT true NOT NULL,
	"sync_interval_minutes" integer DEFAULT 5 NOT NULL,
	"file_extensions" text[] DEFAULT '{".md",".txt"}'::text[] NOT NULL,
	"excluded_folders" text[] DEFAULT '{}'::text[] NOT NULL,
	"template_folder" text DEFAULT 'templates',
	"category_mappings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_sync_at" timestamp with time zone,
	"sync_status" varchar(50) DEFAULT 'idle' NOT NULL,
	"error_log" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "obsidian_integration_settings_sync_interval_minutes_check" CHECK ("obsidian_integration_settings"."sync_interval_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "personas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" text,
	"personality" text NOT NULL,
	"role_id" bigint,
	"is_default" boolean DEFAULT false NOT NULL,
	"icon_url" varchar(500),
	"image_url" varchar(500),
	"icon_type" varchar(50) DEFAULT 'preset' NOT NULL,
	"icon_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "personas_icon_type_check" CHECK ("personas"."icon_type" IN ('preset', 'upload', 'ai_generated'))
);
--> statement-breakpoint
CREATE TABLE "plan_approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" bigint NOT NULL,
	"approver_type" varchar(20) NOT NULL,
	"approver_id" bigint,
	"action" varchar(20) NOT NULL,
	"comments" text,
	"conditions" text[],
	"approval_date" timestamp with time zone DEFAULT now() NOT NULL,
	"status" varchar(50) DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_approvals_approver_type_check" CHECK ("plan_approvals"."approver_type" IN ('user', 'assistant', 'system')),
	CONSTRAINT "plan_approvals_action_check" CHECK ("plan_approvals"."action" IN ('approve', 'reject', 'request_revision')),
	CONSTRAINT "plan_approvals_status_check" CHECK ("plan_approvals"."status" IN ('pending', 'approved', 'rejected', 'revision_requested'))
);
--> statement-breakpoint
CREATE TABLE "plan_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" bigint NOT NULL,
	"version_number" integer NOT NULL,
	"title" varchar(200) NOT NULL,
	"description" text,
	"objective" text NOT NULL,
	"scope" text,
	"timeline" jsonb NOT NULL,
	"resources" jsonb NOT NULL,
	"risk_assessment" text,
	"success_criteria" text[],
	"change_summary" text,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_versions_plan_id_version_number_unique" UNIQUE("plan_id","version_number"),
	CONSTRAINT "plan_versions_version_number_check" CHECK ("plan_versions"."version_number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" varchar(200) NOT NULL,
	"description" text,
	"objective" text NOT NULL,
	"scope" text,
	"status" varchar(50) DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"assistant_id" bigint NOT NULL,
	"workflow_id" bigint,
	"timeline" jsonb NOT NULL,
	"resources" jsonb NOT NULL,
	"risk_assessment" text,
	"success_criteria" text[],
	"submitted_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"rejection_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "plans_status_check" CHECK ("plans"."status" IN ('draft', 'submitted', 'under_review', 'approved', 'rejected', 'revision_requested')),
	CONSTRAINT "plans_version_check" CHECK ("plans"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" text,
	"category" varchar(50) NOT NULL,
	"subcategory" varchar(50),
	"permissions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_system" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "roles_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "task_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" bigint NOT NULL,
	"action" varchar(50) NOT NULL,
	"old_value" text,
	"new_value" text,
	"changed_by" bigint,
	"change_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_id" bigint,
	"name" varchar(100) NOT NULL,
	"description" text,
	"task_type" varchar(50) NOT NULL,
	"status" varchar(50) DEFAULT 'pending' NOT NULL,
	"priority" varchar(20) DEFAULT 'medium' NOT NULL,
	"assigned_assistant_id" bigint,
	"estimated_hours" numeric(5, 2),
	"actual_hours" numeric(5, 2),
	"dependencies" text[],
	"due_date" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" IN ('pending', 'assigned', 'in_progress', 'completed', 'cancelled')),
	CONSTRAINT "tasks_priority_check" CHECK ("tasks"."priority" IN ('low', 'medium', 'high', 'urgent')),
	CONSTRAINT "tasks_estimated_hours_check" CHECK ("tasks"."estimated_hours" >= 0),
	CONSTRAINT "tasks_actual_hours_check" CHECK ("tasks"."actual_hours" >= 0)
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" bigint NOT NULL,
	"assistant_id" bigint NOT NULL,
	"role" varchar(50) DEFAULT 'member' NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "team_members_team_id_assistant_id_unique" UNIQUE("team_id","assistant_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" text,
	"team_type" varchar(50) DEFAULT 'general' NOT NULL,
	"max_members" integer DEFAULT 10 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "teams_max_members_check" CHECK ("teams"."max_members" > 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"username" varchar(50) NOT NULL,
	"email" varchar(255) NOT NULL,
	"password_hash" varchar(255),
	"full_name" varchar(100) NOT NULL,
	"role" varchar(50) DEFAULT 'user' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"last_login" timestamp with time zone,
	"preferences" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" text,
	"workflow_type" varchar(50) NOT NULL,
	"status" varchar(50) DEFAULT 'draft' NOT NULL,
	"priority" varchar(20) DEFAULT 'medium' NOT NULL,
	"created_by" bigint,
	"assigned_team_id" bigint,
	"estimated_duration" interval,
	"actual_duration" interval,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "workflows_status_check" CHECK ("workflows"."status" IN ('draft', 'active', 'paused', 'completed', 'cancelled')),
	CONSTRAINT "workflows_priority_check" CHECK ("workflows"."priority" IN ('low', 'medium', 'high', 'urgent'))
);
--> statement-breakpoint
ALTER TABLE "ai_assistants" ADD CONSTRAINT "ai_assistants_persona_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_assistants" ADD CONSTRAINT "ai_assistants_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_assistants" ADD CONSTRAINT "ai_assistants_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_skills" ADD CONSTRAINT "assistant_skills_assistant_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_interruptions" ADD CONSTRAINT "discussion_interruptions_discussion_id_fk" FOREIGN KEY ("discussion_id") REFERENCES "public"."ai_discussions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_messages" ADD CONSTRAINT "discussion_messages_discussion_id_fk" FOREIGN KEY ("discussion_id") REFERENCES "public"."ai_discussions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_messages" ADD CONSTRAINT "discussion_messages_participant_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."discussion_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_messages" ADD CONSTRAINT "discussion_messages_parent_message_id_fk" FOREIGN KEY ("parent_message_id") REFERENCES "public"."discussion_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_participants" ADD CONSTRAINT "discussion_participants_discussion_id_fk" FOREIGN KEY ("discussion_id") REFERENCES "public"."ai_discussions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discussion_participants" ADD CONSTRAINT "discussion_participants_assistant_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personas" ADD CONSTRAINT "personas_role_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_approvals" ADD CONSTRAINT "plan_approvals_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_assistant_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_history" ADD CONSTRAINT "task_history_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_history" ADD CONSTRAINT "task_history_changed_by_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assigned_assistant_id_fk" FOREIGN KEY ("assigned_assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_assistant_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."ai_assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_assigned_team_id_fk" FOREIGN KEY ("assigned_team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_provider" ON "ai_assistants" USING btree ("ai_provider");--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_persona" ON "ai_assistants" USING btree ("persona_id");--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_team" ON "ai_assistants" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_active" ON "ai_assistants" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_created_by" ON "ai_assistants" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "idx_ai_assistants_team_active" ON "ai_assistants" USING btree ("team_id","is_active") WHERE "ai_assistants"."is_active" = true;--> statement-breakpoint
CREATE INDEX "idx_ai_discussions_type" ON "ai_discussions" USING btree ("discussion_type");--> statement-breakpoint
CREATE INDEX "idx_ai_discussions_status" ON "ai_discussions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_ai_discussions_topic" ON "ai_discussions" USING btree ("topic");--> statement-breakpoint
CREATE INDEX "idx_ai_discussions_started" ON "ai_discussions" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "idx_discussions_type_status" ON "ai_discussions" USING btree ("discussion_type","status");--> statement-breakpoint
CREATE INDEX "idx_active_discussions" ON "ai_discussions" USING btree ("id") WHERE "ai_discussions"."status" = 'active';--> statement-breakpoint
CREATE INDEX "idx_assistant_skills_assistant" ON "assistant_skills" USING btree ("assistant_id");--> statement-breakpoint
CREATE INDEX "idx_assistant_skills_name" ON "assistant_skills" USING btree ("skill_name");--> statement-breakpoint
CREATE INDEX "idx_assistant_skills_name_trgm" ON "assistant_skills" USING gin ("skill_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "idx_conversations_type" ON "conversations" USING btree ("conversation_type");--> statement-breakpoint
CREATE INDEX "idx_conversations_status" ON "conversations" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_conversations_created_by" ON "conversations" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "idx_conversations_participants" ON "conversations" USING gin ("participant_assistant_ids");--> statement-breakpoint
CREATE INDEX "idx_discussion_interruptions_discussion" ON "discussion_interruptions" USING btree ("discussion_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_interruptions_type" ON "discussion_interruptions" USING btree ("interruption_type");--> statement-breakpoint
CREATE INDEX "idx_discussion_interruptions_priority" ON "discussion_interruptions" USING btree ("priority");--> statement-breakpoint
CREATE INDEX "idx_discussion_interruptions_initiator" ON "discussion_interruptions" USING btree ("initiated_by","initiator_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_messages_discussion" ON "discussion_messages" USING btree ("discussion_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_messages_participant" ON "discussion_messages" USING btree ("participant_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_messages_type" ON "discussion_messages" USING btree ("message_type");--> statement-breakpoint
CREATE INDEX "idx_discussion_messages_parent" ON "discussion_messages" USING btree ("parent_message_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_messages_consensus" ON "discussion_messages" USING btree ("is_consensus_forming");--> statement-breakpoint
CREATE INDEX "idx_discussion_participants_discussion" ON "discussion_participants" USING btree ("discussion_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_participants_assistant" ON "discussion_participants" USING btree ("assistant_id");--> statement-breakpoint
CREATE INDEX "idx_discussion_participants_active" ON "discussion_participants" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "idx_librarian_active" ON "librarian_assistant" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "idx_messages_conversation" ON "messages" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "idx_messages_sender" ON "messages" USING btree ("sender_type","sender_id");--> statement-breakpoint
CREATE INDEX "idx_messages_created" ON "messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_messages_conversation_created" ON "messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_messages_content_search" ON "messages" USING gin (to_tsvector('simple', "content"));--> statement-breakpoint
CREATE INDEX "idx_obsidian_enabled" ON "obsidian_integration_settings" USING btree ("is_enabled");--> statement-breakpoint
CREATE INDEX "idx_obsidian_sync_status" ON "obsidian_integration_settings" USING btree ("sync_status");--> statement-breakpoint
CREATE INDEX "idx_personas_role" ON "personas" USING btree ("role_id");--> statement-breakpoint
CREATE INDEX "idx_personas_default" ON "personas" USING btree ("is_default");--> statement-breakpoint
CREATE INDEX "idx_personas_name" ON "personas" USING btree ("name");--> statement-breakpoint
CREATE INDEX "idx_personas_icon_type" ON "personas" USING btree ("icon_type");--> statement-breakpoint
CREATE INDEX "idx_plan_approvals_plan" ON "plan_approvals" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "idx_plan_approvals_approver" ON "plan_approvals" USING btree ("approver_type","approver_id");--> statement-breakpoint
CREATE INDEX "idx_plan_approvals_action" ON "plan_approvals" USING btree ("action");--> statement-breakpoint
CREATE INDEX "idx_plan_approvals_status" ON "plan_approvals" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_plan_versions_plan" ON "plan_versions" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "idx_plan_versions_version" ON "plan_versions" USING btree ("version_number");--> statement-breakpoint
CREATE INDEX "idx_plan_versions_created_by" ON "plan_versions" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "idx_plans_status" ON "plans" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_plans_assistant" ON "plans" USING btree ("assistant_id");--> statement-breakpoint
CREATE INDEX "idx_plans_workflow" ON "plans" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "idx_plans_submitted" ON "plans" USING btree ("submitted_at");--> statement-breakpoint
CREATE INDEX "idx_plans_approved" ON "plans" USING btree ("approved_at");--> statement-breakpoint
CREATE INDEX "idx_plans_assistant_status" ON "plans" USING btree ("assistant_id","status");--> statement-breakpoint
CREATE INDEX "idx_plans_timeline" ON "plans" USING gin ("timeline");--> statement-breakpoint
CREATE INDEX "idx_plans_resources" ON "plans" USING gin ("resources");--> statement-breakpoint
CREATE INDEX "idx_plans_description_search" ON "plans" USING gin (to_tsvector('simple', "description"));--> statement-breakpoint
CREATE INDEX "idx_roles_category" ON "roles" USING btree ("category");--> statement-breakpoint
CREATE INDEX "idx_roles_subcategory" ON "roles" USING btree ("subcategory");--> statement-breakpoint
CREATE INDEX "idx_roles_system" ON "roles" USING btree ("is_system");--> statement-breakpoint
CREATE INDEX "idx_task_history_task" ON "task_history" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "idx_task_history_action" ON "task_history" USING btree ("action");--> statement-breakpoint
CREATE INDEX "idx_task_history_created" ON "task_history" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_tasks_workflow" ON "tasks" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "idx_tasks_status" ON "tasks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_tasks_assigned" ON "tasks" USING btree ("assigned_assistant_id");--> statement-breakpoint
CREATE INDEX "idx_tasks_due_date" ON "tasks" USING btree ("due_date");--> statement-breakpoint
CREATE INDEX "idx_tasks_workflow_status" ON "tasks" USING btree ("workflow_id","status");--> statement-breakpoint
CREATE INDEX "idx_active_tasks" ON "tasks" USING btree ("id") WHERE "tasks"."status" IN ('pending', 'assigned', 'in_progress');--> statement-breakpoint
CREATE INDEX "idx_tasks_description_search" ON "tasks" USING gin (to_tsvector('simple', "description"));--> statement-breakpoint
CREATE INDEX "idx_team_members_team" ON "team_members" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "idx_team_members_assistant" ON "team_members" USING btree ("assistant_id");--> statement-breakpoint
CREATE INDEX "idx_team_members_active" ON "team_members" USING btree ("team_id","is_active") WHERE "team_members"."is_active" = true;--> statement-breakpoint
CREATE INDEX "idx_teams_type" ON "teams" USING btree ("team_type");--> statement-breakpoint
CREATE INDEX "idx_teams_active" ON "teams" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "idx_teams_name" ON "teams" USING btree ("name");--> statement-breakpoint
CREATE INDEX "idx_users_username" ON "users" USING btree ("username");--> statement-breakpoint
CREATE INDEX "idx_users_email" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "idx_users_active" ON "users" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "idx_users_deleted" ON "users" USING btree ("deleted_at");--> statement-breakpoint
CREATE INDEX "idx_users_username_email" ON "users" USING btree ("username","email");--> statement-breakpoint
CREATE INDEX "idx_users_role_active" ON "users" USING btree ("role","is_active");--> statement-breakpoint
CREATE INDEX "idx_users_active_only" ON "users" USING btree ("id","username","email") WHERE "users"."is_active" = true;--> statement-breakpoint
CREATE INDEX "idx_workflows_status" ON "workflows" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_workflows_type" ON "workflows" USING btree ("workflow_type");--> statement-breakpoint
CREATE INDEX "idx_workflows_team" ON "workflows" USING btree ("assigned_team_id");--> statement-breakpoint
CREATE INDEX "idx_workflows_created_by" ON "workflows" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "idx_workflows_priority" ON "workflows" USING btree ("priority");--> statement-breakpoint
CREATE INDEX "idx_workflows_team_status" ON "workflows" USING btree ("assigned_team_id","status");--> statement-breakpoint
CREATE INDEX "idx_workflows_priority_status" ON "workflows" USING btree ("priority","status");--> statement-breakpoint
CREATE INDEX "idx_active_workflows" ON "workflows" USING btree ("id","name","status") WHERE "workflows"."status" = 'active';