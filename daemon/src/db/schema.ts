/**
 * Hisho's database schema: ONE drizzle `pg-core` schema for both drivers (node-postgres and PGlite).
 *
 * Source: ../shared/seed/database-design.ja.md §3 (tables), §4.2 (FKs), §5 (indexes), §6 (checks),
 * §15 (ORM extras: ai_assistants.created_by, extra indexes, NOT NULL columns, cascades of §15.6.2).
 * Every fix of and deviation from the design is listed in docs/schema.md.
 *
 * Naming (§2.2): checks `{table}_{column}_check`, uniques `{table}_{columns}_unique`,
 * foreign keys `{table}_{column}_fk`, indexes `idx_{table}_{columns}` (names from the design kept).
 *
 * Not here because drizzle-kit does not manage them (see the custom migrations in drizzle/):
 * the pg_trgm extension, the updated_at trigger function and triggers, the workflow_summary
 * materialized view and the initial data.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  interval,
  jsonb,
  numeric,
  pgMaterializedView,
  pgTable,
  text,
  timestamp,
  unique,
  varchar,
} from 'drizzle-orm/pg-core';

// ---------------------------------------------------------------------------------------------
// Shared value lists (also used by the CHECK constraints, so the database and the code agree)
// ---------------------------------------------------------------------------------------------

export const AI_PROVIDERS = ['openai', 'claude', 'gemini', 'openai_compatible'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ACTOR_TYPES = ['user', 'assistant', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export const ICON_TYPES = ['preset', 'upload', 'ai_generated'] as const;
export const WORKFLOW_STATUSES = ['draft', 'active', 'paused', 'completed', 'cancelled'] as const;
export const TASK_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'] as const;
export const CONVERSATION_TYPES = ['chat', 'task', 'workflow'] as const;
export const CONVERSATION_STATUSES = ['active', 'archived', 'deleted'] as const;
export const MESSAGE_TYPES = ['text', 'image', 'file', 'command'] as const;
export const DISCUSSION_TYPES = ['collaborative', 'debate', 'brainstorming', 'problem_solving'] as const;
export const DISCUSSION_STATUSES = ['active', 'paused', 'completed', 'terminated'] as const;
export const PARTICIPANT_ROLES = ['moderator', 'participant', 'observer'] as const;
export const DISCUSSION_MESSAGE_TYPES = [
  'contribution',
  'question',
  'answer',
  'proposal',
  'agreement',
  'disagreement',
] as const;
export const INTERRUPTION_TYPES = ['pause', 'redirect', 'terminate', 'clarify'] as const;
export const PLAN_STATUSES = [
  'draft',
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'revision_requested',
] as const;
export const APPROVAL_ACTIONS = ['approve', 'reject', 'request_revision'] as const;
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'revision_requested'] as const;

/** `col IN ('a','b')` with the values inlined as SQL literals (CHECK constraints cannot take parameters). */
function oneOf(column: unknown, values: readonly string[]) {
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
  return sql`${column} IN (${sql.raw(list)})`;
}

type Json = Record<string, unknown>;

// Column helpers -------------------------------------------------------------------------------
const id = () => bigserial('id', { mode: 'number' }).primaryKey();
const ref = (name: string) => bigint(name, { mode: 'number' });
const tstz = (name: string) => timestamp(name, { withTimezone: true });
const createdAt = () => tstz('created_at').notNull().defaultNow();
const updatedAt = () => tstz('updated_at').notNull().defaultNow();
const deletedAt = () => tstz('deleted_at');
const jsonObject = <T extends Json = Json>(name: string) =>
  jsonb(name).$type<T>().notNull().default(sql`'{}'::jsonb`);

// ---------------------------------------------------------------------------------------------
// §3.1 users
// ---------------------------------------------------------------------------------------------

/** §15.2.2 user preferences live here (no user_preferences table). */
export interface UserPreferences {
  theme?: string;
  language?: string;
  timezone?: string;
  notifications?: Record<string, boolean>;
  workflow_settings?: Record<string, unknown>;
  ai_settings?: Record<string, unknown>;
  [key: string]: unknown;
}

export const users = pgTable(
  'users',
  {
    id: id(),
    username: varchar('username', { length: 50 }).notNull(),
    email: varchar('email', { length: 255 }).notNull(),
    /** Nullable: the single local user never logs in (design had NOT NULL). */
    passwordHash: varchar('password_hash', { length: 255 }),
    fullName: varchar('full_name', { length: 100 }).notNull(),
    role: varchar('role', { length: 50 }).notNull().default('user'),
    isActive: boolean('is_active').notNull().default(true),
    lastLogin: tstz('last_login'),
    preferences: jsonObject<UserPreferences>('preferences'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    unique('users_username_unique').on(t.username),
    unique('users_email_unique').on(t.email),
    index('idx_users_username').on(t.username),
    index('idx_users_email').on(t.email),
    index('idx_users_active').on(t.isActive),
    index('idx_users_deleted').on(t.deletedAt),
    index('idx_users_username_email').on(t.username, t.email),
    index('idx_users_role_active').on(t.role, t.isActive),
    index('idx_users_active_only').on(t.id, t.username, t.email).where(sql`${t.isActive} = true`),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.3.4 roles, §3.3.1 personas, §3.3.2 teams (declared before ai_assistants, which references them)
// ---------------------------------------------------------------------------------------------

export const roles = pgTable(
  'roles',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    category: varchar('category', { length: 50 }).notNull(),
    subcategory: varchar('subcategory', { length: 50 }),
    permissions: jsonObject('permissions'),
    isSystem: boolean('is_system').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('roles_name_unique').on(t.name),
    index('idx_roles_category').on(t.category),
    index('idx_roles_subcategory').on(t.subcategory),
    index('idx_roles_system').on(t.isSystem),
  ],
);

export interface PersonaIconMetadata {
  icon_name?: string;
  color?: string;
  style?: string;
  [key: string]: unknown;
}

export const personas = pgTable(
  'personas',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    personality: text('personality').notNull(),
    roleId: ref('role_id'),
    isDefault: boolean('is_default').notNull().default(false),
    iconUrl: varchar('icon_url', { length: 500 }),
    imageUrl: varchar('image_url', { length: 500 }),
    iconType: varchar('icon_type', { length: 50 }).notNull().default('preset'),
    iconMetadata: jsonObject<PersonaIconMetadata>('icon_metadata'),
    metadata: jsonObject('metadata'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    foreignKey({ name: 'personas_role_id_fk', columns: [t.roleId], foreignColumns: [roles.id] }).onDelete('set null'),
    check('personas_icon_type_check', oneOf(t.iconType, ICON_TYPES)),
    index('idx_personas_role').on(t.roleId),
    index('idx_personas_default').on(t.isDefault),
    index('idx_personas_name').on(t.name),
    index('idx_personas_icon_type').on(t.iconType),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    teamType: varchar('team_type', { length: 50 }).notNull().default('general'),
    maxMembers: integer('max_members').notNull().default(10),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    check('teams_max_members_check', sql`${t.maxMembers} > 0`),
    index('idx_teams_type').on(t.teamType),
    index('idx_teams_active').on(t.isActive),
    index('idx_teams_name').on(t.name),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.2 AI assistants
// ---------------------------------------------------------------------------------------------

export const aiAssistants = pgTable(
  'ai_assistants',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    aiProvider: varchar('ai_provider', { length: 50 }).$type<AiProvider>().notNull(),
    model: varchar('model', { length: 100 }).notNull(),
    /** AES-256-GCM ciphertext; null for providers that need no key (local OpenAI-compatible servers). */
    apiKeyEncrypted: text('api_key_encrypted'),
    personaId: ref('persona_id'),
    teamId: ref('team_id'),
    /** §15.3.1 (missing from the §3 SQL). */
    createdBy: ref('created_by'),
    isActive: boolean('is_active').notNull().default(true),
    settings: jsonObject('settings'),
    lastUsed: tstz('last_used'),
    usageCount: bigint('usage_count', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    foreignKey({ name: 'ai_assistants_persona_id_fk', columns: [t.personaId], foreignColumns: [personas.id] }).onDelete(
      'set null',
    ),
    foreignKey({ name: 'ai_assistants_team_id_fk', columns: [t.teamId], foreignColumns: [teams.id] }).onDelete('set null'),
    foreignKey({ name: 'ai_assistants_created_by_fk', columns: [t.createdBy], foreignColumns: [users.id] }).onDelete(
      'set null',
    ),
    check('ai_assistants_ai_provider_check', oneOf(t.aiProvider, AI_PROVIDERS)),
    check('ai_assistants_usage_count_check', sql`${t.usageCount} >= 0`),
    index('idx_ai_assistants_provider').on(t.aiProvider),
    index('idx_ai_assistants_persona').on(t.personaId),
    index('idx_ai_assistants_team').on(t.teamId),
    index('idx_ai_assistants_active').on(t.isActive),
    index('idx_ai_assistants_created_by').on(t.createdBy),
    index('idx_ai_assistants_team_active').on(t.teamId, t.isActive).where(sql`${t.isActive} = true`),
  ],
);

export const assistantSkills = pgTable(
  'assistant_skills',
  {
    id: id(),
    assistantId: ref('assistant_id').notNull(),
    skillName: varchar('skill_name', { length: 100 }).notNull(),
    skillLevel: integer('skill_level').notNull(),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ name: 'assistant_skills_assistant_id_fk', columns: [t.assistantId], foreignColumns: [aiAssistants.id] }).onDelete(
      'cascade',
    ),
    unique('assistant_skills_assistant_id_skill_name_unique').on(t.assistantId, t.skillName),
    check('assistant_skills_skill_level_check', sql`${t.skillLevel} BETWEEN 1 AND 10`),
    index('idx_assistant_skills_assistant').on(t.assistantId),
    index('idx_assistant_skills_name').on(t.skillName),
    // Replaces the design's GIN index on the nonexistent column `skills`: trigram search on skill names.
    index('idx_assistant_skills_name_trgm').using('gin', t.skillName.op('gin_trgm_ops')),
  ],
);

export const teamMembers = pgTable(
  'team_members',
  {
    id: id(),
    teamId: ref('team_id').notNull(),
    assistantId: ref('assistant_id').notNull(),
    role: varchar('role', { length: 50 }).notNull().default('member'),
    joinedAt: tstz('joined_at').notNull().defaultNow(),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [
    foreignKey({ name: 'team_members_team_id_fk', columns: [t.teamId], foreignColumns: [teams.id] }).onDelete('cascade'),
    foreignKey({ name: 'team_members_assistant_id_fk', columns: [t.assistantId], foreignColumns: [aiAssistants.id] }).onDelete(
      'cascade',
    ),
    unique('team_members_team_id_assistant_id_unique').on(t.teamId, t.assistantId),
    index('idx_team_members_team').on(t.teamId),
    index('idx_team_members_assistant').on(t.assistantId),
    index('idx_team_members_active').on(t.teamId, t.isActive).where(sql`${t.isActive} = true`),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.4 workflows and tasks
// ---------------------------------------------------------------------------------------------

export const workflows = pgTable(
  'workflows',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    workflowType: varchar('workflow_type', { length: 50 }).notNull(),
    status: varchar('status', { length: 50 }).$type<(typeof WORKFLOW_STATUSES)[number]>().notNull().default('draft'),
    priority: varchar('priority', { length: 20 }).$type<Priority>().notNull().default('medium'),
    createdBy: ref('created_by'),
    assignedTeamId: ref('assigned_team_id'),
    estimatedDuration: interval('estimated_duration'),
    actualDuration: interval('actual_duration'),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    metadata: jsonObject('metadata'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    foreignKey({ name: 'workflows_created_by_fk', columns: [t.createdBy], foreignColumns: [users.id] }).onDelete('set null'),
    foreignKey({ name: 'workflows_assigned_team_id_fk', columns: [t.assignedTeamId], foreignColumns: [teams.id] }).onDelete(
      'set null',
    ),
    check('workflows_status_check', oneOf(t.status, WORKFLOW_STATUSES)),
    check('workflows_priority_check', oneOf(t.priority, PRIORITIES)),
    index('idx_workflows_status').on(t.status),
    index('idx_workflows_type').on(t.workflowType),
    index('idx_workflows_team').on(t.assignedTeamId),
    index('idx_workflows_created_by').on(t.createdBy),
    index('idx_workflows_priority').on(t.priority),
    index('idx_workflows_team_status').on(t.assignedTeamId, t.status),
    index('idx_workflows_priority_status').on(t.priority, t.status),
    index('idx_active_workflows').on(t.id, t.name, t.status).where(sql`${t.status} = 'active'`),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    id: id(),
    workflowId: ref('workflow_id'),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    taskType: varchar('task_type', { length: 50 }).notNull(),
    status: varchar('status', { length: 50 }).$type<(typeof TASK_STATUSES)[number]>().notNull().default('pending'),
    priority: varchar('priority', { length: 20 }).$type<Priority>().notNull().default('medium'),
    assignedAssistantId: ref('assigned_assistant_id'),
    /** numeric(5,2): read back as a string ('1.50'). */
    estimatedHours: numeric('estimated_hours', { precision: 5, scale: 2 }),
    actualHours: numeric('actual_hours', { precision: 5, scale: 2 }),
    /** Ids of tasks this one depends on (text[] as designed). */
    dependencies: text('dependencies').array(),
    dueDate: tstz('due_date'),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    foreignKey({ name: 'tasks_workflow_id_fk', columns: [t.workflowId], foreignColumns: [workflows.id] }).onDelete('cascade'),
    foreignKey({
      name: 'tasks_assigned_assistant_id_fk',
      columns: [t.assignedAssistantId],
      foreignColumns: [aiAssistants.id],
    }).onDelete('set null'),
    check('tasks_status_check', oneOf(t.status, TASK_STATUSES)),
    check('tasks_priority_check', oneOf(t.priority, PRIORITIES)),
    check('tasks_estimated_hours_check', sql`${t.estimatedHours} >= 0`),
    check('tasks_actual_hours_check', sql`${t.actualHours} >= 0`),
    index('idx_tasks_workflow').on(t.workflowId),
    index('idx_tasks_status').on(t.status),
    index('idx_tasks_assigned').on(t.assignedAssistantId),
    index('idx_tasks_due_date').on(t.dueDate),
    index('idx_tasks_workflow_status').on(t.workflowId, t.status),
    index('idx_active_tasks').on(t.id).where(sql`${t.status} IN ('pending', 'assigned', 'in_progress')`),
    index('idx_tasks_description_search').using('gin', sql`to_tsvector('simple', ${t.description})`),
  ],
);

export const taskHistory = pgTable(
  'task_history',
  {
    id: id(),
    taskId: ref('task_id').notNull(),
    action: varchar('action', { length: 50 }).notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    changedBy: ref('changed_by'),
    changeReason: text('change_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'task_history_task_id_fk', columns: [t.taskId], foreignColumns: [tasks.id] }).onDelete('cascade'),
    foreignKey({ name: 'task_history_changed_by_fk', columns: [t.changedBy], foreignColumns: [users.id] }).onDelete('set null'),
    index('idx_task_history_task').on(t.taskId),
    index('idx_task_history_action').on(t.action),
    index('idx_task_history_created').on(t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.5 conversations
// ---------------------------------------------------------------------------------------------

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    title: varchar('title', { length: 200 }),
    conversationType: varchar('conversation_type', { length: 50 })
      .$type<(typeof CONVERSATION_TYPES)[number]>()
      .notNull()
      .default('chat'),
    status: varchar('status', { length: 50 }).$type<(typeof CONVERSATION_STATUSES)[number]>().notNull().default('active'),
    createdBy: ref('created_by'),
    participantAssistantIds: bigint('participant_assistant_ids', { mode: 'number' }).array(),
    metadata: jsonObject('metadata'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    foreignKey({ name: 'conversations_created_by_fk', columns: [t.createdBy], foreignColumns: [users.id] }).onDelete('set null'),
    check('conversations_conversation_type_check', oneOf(t.conversationType, CONVERSATION_TYPES)),
    check('conversations_status_check', oneOf(t.status, CONVERSATION_STATUSES)),
    index('idx_conversations_type').on(t.conversationType),
    index('idx_conversations_status').on(t.status),
    index('idx_conversations_created_by').on(t.createdBy),
    index('idx_conversations_participants').using('gin', t.participantAssistantIds),
  ],
);

/** PostgreSQL `tsvector` (drizzle has no built-in type): written with SQL, read as its text form. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: ref('conversation_id').notNull(),
    senderType: varchar('sender_type', { length: 20 }).$type<ActorType>().notNull(),
    /** users.id or ai_assistants.id depending on sender_type (no FK: polymorphic). */
    senderId: ref('sender_id'),
    content: text('content').notNull(),
    messageType: varchar('message_type', { length: 20 }).$type<(typeof MESSAGE_TYPES)[number]>().notNull().default('text'),
    metadata: jsonObject('metadata'),
    isEdited: boolean('is_edited').notNull().default(false),
    editedAt: tstz('edited_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * The content's index terms (search/tokenize.ts, as notes.search_vector; no weights). Written with
     * every insert (search/messages.ts `messageSearchVector`); null only for rows written before
     * migration 0008 (or by raw SQL), which `indexPendingMessages` fills at start and before a search.
     */
    searchVector: tsvector('search_vector'),
  },
  (t) => [
    foreignKey({ name: 'messages_conversation_id_fk', columns: [t.conversationId], foreignColumns: [conversations.id] }).onDelete(
      'cascade',
    ),
    check('messages_sender_type_check', oneOf(t.senderType, ACTOR_TYPES)),
    check('messages_message_type_check', oneOf(t.messageType, MESSAGE_TYPES)),
    index('idx_messages_conversation').on(t.conversationId),
    index('idx_messages_sender').on(t.senderType, t.senderId),
    index('idx_messages_created').on(t.createdAt),
    index('idx_messages_conversation_created').on(t.conversationId, t.createdAt),
    // §3.5.2 idx_messages_content and §5.2 idx_messages_content_search were the same index: one kept,
    // over the tokenized search_vector (to_tsvector of the raw content cannot find Japanese words).
    index('idx_messages_content_search').using('gin', t.searchVector),
    // The rows still to index (a handful at most, after an upgrade): found without reading the table.
    index('idx_messages_search_pending').on(t.id).where(sql`${t.searchVector} IS NULL`),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.6 Obsidian integration
// ---------------------------------------------------------------------------------------------

export const obsidianIntegrationSettings = pgTable(
  'obsidian_integration_settings',
  {
    id: id(),
    vaultPath: text('vault_path').notNull(),
    isEnabled: boolean('is_enabled').notNull().default(true),
    autoSync: boolean('auto_sync').notNull().default(true),
    syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(5),
    fileExtensions: text('file_extensions').array().notNull().default(sql`'{".md",".txt"}'::text[]`),
    excludedFolders: text('excluded_folders').array().notNull().default(sql`'{}'::text[]`),
    templateFolder: text('template_folder').default('templates'),
    categoryMappings: jsonObject('category_mappings'),
    lastSyncAt: tstz('last_sync_at'),
    syncStatus: varchar('sync_status', { length: 50 }).notNull().default('idle'),
    errorLog: text('error_log'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Vault index (issue 3): bumped in the same transaction as every change to this vault's notes,
     * so anything cached under a generation (search results) is never served stale.
     */
    indexGeneration: bigint('index_generation', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    check('obsidian_integration_settings_sync_interval_minutes_check', sql`${t.syncIntervalMinutes} > 0`),
    /** Vault index: one registration per (real, NFC) vault path. */
    unique('obsidian_integration_settings_vault_path_unique').on(t.vaultPath),
    index('idx_obsidian_enabled').on(t.isEnabled),
    index('idx_obsidian_sync_status').on(t.syncStatus),
  ],
);

export const librarianAssistant = pgTable(
  'librarian_assistant',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull().default('司書AI'),
    description: text('description').default('Obsidian知識管理を専門とするAI秘書'),
    /**
     * Nullable here (NOT NULL in the design), like api_key_encrypted: the librarian answers with the
     * assistant in assistant_id (its provider, model, key and persona), so these stay null. See docs/schema.md.
     */
    aiProvider: varchar('ai_provider', { length: 50 }).$type<AiProvider>(),
    model: varchar('model', { length: 100 }),
    apiKeyEncrypted: text('api_key_encrypted'),
    /** The AI assistant the librarian uses (issue 4); null until one is chosen. */
    assistantId: ref('assistant_id'),
    /** Semantic search (docs/ai.md): off until the user turns it on; the assistant whose provider and key embed, and the embedding model (null: the provider's default). */
    embeddingEnabled: boolean('embedding_enabled').notNull().default(false),
    embeddingAssistantId: ref('embedding_assistant_id'),
    embeddingModel: varchar('embedding_model', { length: 200 }),
    isActive: boolean('is_active').notNull().default(true),
    specialization: text('specialization')
      .array()
      .notNull()
      .default(sql`'{"知識管理","情報検索","タグ付け","テンプレート管理"}'::text[]`),
    searchStrategies: jsonObject('search_strategies'),
    knowledgeCategories: jsonObject('knowledge_categories'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('librarian_assistant_ai_provider_check', oneOf(t.aiProvider, AI_PROVIDERS)),
    foreignKey({ name: 'librarian_assistant_assistant_id_fk', columns: [t.assistantId], foreignColumns: [aiAssistants.id] }).onDelete('set null'),
    foreignKey({ name: 'librarian_assistant_embedding_assistant_id_fk', columns: [t.embeddingAssistantId], foreignColumns: [aiAssistants.id] }).onDelete('set null'),
    index('idx_librarian_active').on(t.isActive),
    index('idx_librarian_assistant').on(t.assistantId),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.7 AI discussions
// ---------------------------------------------------------------------------------------------

export const aiDiscussions = pgTable(
  'ai_discussions',
  {
    id: id(),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description'),
    topic: varchar('topic', { length: 100 }).notNull(),
    discussionType: varchar('discussion_type', { length: 50 }).$type<(typeof DISCUSSION_TYPES)[number]>().notNull(),
    status: varchar('status', { length: 50 }).$type<(typeof DISCUSSION_STATUSES)[number]>().notNull().default('active'),
    maxParticipants: integer('max_participants').notNull().default(5),
    currentParticipantCount: integer('current_participant_count').notNull().default(0),
    settings: jsonObject('settings'),
    consensusReached: boolean('consensus_reached').notNull().default(false),
    consensusSummary: text('consensus_summary'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    endedAt: tstz('ended_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    check('ai_discussions_discussion_type_check', oneOf(t.discussionType, DISCUSSION_TYPES)),
    check('ai_discussions_status_check', oneOf(t.status, DISCUSSION_STATUSES)),
    check('ai_discussions_max_participants_check', sql`${t.maxParticipants} >= 2`),
    check('ai_discussions_current_participant_count_check', sql`${t.currentParticipantCount} >= 0`),
    index('idx_ai_discussions_type').on(t.discussionType),
    index('idx_ai_discussions_status').on(t.status),
    index('idx_ai_discussions_topic').on(t.topic),
    index('idx_ai_discussions_started').on(t.startedAt),
    index('idx_discussions_type_status').on(t.discussionType, t.status),
    index('idx_active_discussions').on(t.id).where(sql`${t.status} = 'active'`),
  ],
);

export const discussionParticipants = pgTable(
  'discussion_participants',
  {
    id: id(),
    discussionId: ref('discussion_id').notNull(),
    assistantId: ref('assistant_id').notNull(),
    role: varchar('role', { length: 50 }).$type<(typeof PARTICIPANT_ROLES)[number]>().notNull().default('participant'),
    joinedAt: tstz('joined_at').notNull().defaultNow(),
    leftAt: tstz('left_at'),
    contributionCount: integer('contribution_count').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [
    foreignKey({
      name: 'discussion_participants_discussion_id_fk',
      columns: [t.discussionId],
      foreignColumns: [aiDiscussions.id],
    }).onDelete('cascade'),
    // No cascade (NO ACTION → 23503): deleting an assistant must not erase discussion history (assistants are soft-deleted).
    foreignKey({
      name: 'discussion_participants_assistant_id_fk',
      columns: [t.assistantId],
      foreignColumns: [aiAssistants.id],
    }).onDelete('no action'),
    unique('discussion_participants_discussion_id_assistant_id_unique').on(t.discussionId, t.assistantId),
    check('discussion_participants_role_check', oneOf(t.role, PARTICIPANT_ROLES)),
    check('discussion_participants_contribution_count_check', sql`${t.contributionCount} >= 0`),
    index('idx_discussion_participants_discussion').on(t.discussionId),
    index('idx_discussion_participants_assistant').on(t.assistantId),
    index('idx_discussion_participants_active').on(t.isActive),
  ],
);

export const discussionMessages = pgTable(
  'discussion_messages',
  {
    id: id(),
    discussionId: ref('discussion_id').notNull(),
    participantId: ref('participant_id').notNull(),
    messageType: varchar('message_type', { length: 50 })
      .$type<(typeof DISCUSSION_MESSAGE_TYPES)[number]>()
      .notNull()
      .default('contribution'),
    content: text('content').notNull(),
    reasoning: text('reasoning'),
    confidenceLevel: integer('confidence_level'),
    /** The design's `references` (a reserved word) renamed. */
    noteReferences: text('note_references').array(),
    isConsensusForming: boolean('is_consensus_forming').notNull().default(false),
    parentMessageId: ref('parent_message_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: 'discussion_messages_discussion_id_fk',
      columns: [t.discussionId],
      foreignColumns: [aiDiscussions.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'discussion_messages_participant_id_fk',
      columns: [t.participantId],
      foreignColumns: [discussionParticipants.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'discussion_messages_parent_message_id_fk',
      columns: [t.parentMessageId],
      foreignColumns: [t.id],
    }).onDelete('set null'),
    check('discussion_messages_message_type_check', oneOf(t.messageType, DISCUSSION_MESSAGE_TYPES)),
    check('discussion_messages_confidence_level_check', sql`${t.confidenceLevel} BETWEEN 1 AND 10`),
    index('idx_discussion_messages_discussion').on(t.discussionId),
    index('idx_discussion_messages_participant').on(t.participantId),
    index('idx_discussion_messages_type').on(t.messageType),
    index('idx_discussion_messages_parent').on(t.parentMessageId),
    index('idx_discussion_messages_consensus').on(t.isConsensusForming),
  ],
);

export const discussionInterruptions = pgTable(
  'discussion_interruptions',
  {
    id: id(),
    discussionId: ref('discussion_id').notNull(),
    interruptionType: varchar('interruption_type', { length: 50 }).$type<(typeof INTERRUPTION_TYPES)[number]>().notNull(),
    message: text('message').notNull(),
    redirectTopic: varchar('redirect_topic', { length: 100 }),
    priority: varchar('priority', { length: 20 }).$type<Priority>().notNull().default('medium'),
    initiatedBy: varchar('initiated_by', { length: 20 }).$type<ActorType>().notNull(),
    /** users.id or ai_assistants.id depending on initiated_by (no FK: polymorphic). */
    initiatorId: ref('initiator_id'),
    discussionStatusBefore: varchar('discussion_status_before', { length: 50 }),
    discussionStatusAfter: varchar('discussion_status_after', { length: 50 }),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: 'discussion_interruptions_discussion_id_fk',
      columns: [t.discussionId],
      foreignColumns: [aiDiscussions.id],
    }).onDelete('cascade'),
    check('discussion_interruptions_interruption_type_check', oneOf(t.interruptionType, INTERRUPTION_TYPES)),
    check('discussion_interruptions_priority_check', oneOf(t.priority, PRIORITIES)),
    check('discussion_interruptions_initiated_by_check', oneOf(t.initiatedBy, ACTOR_TYPES)),
    index('idx_discussion_interruptions_discussion').on(t.discussionId),
    index('idx_discussion_interruptions_type').on(t.interruptionType),
    index('idx_discussion_interruptions_priority').on(t.priority),
    index('idx_discussion_interruptions_initiator').on(t.initiatedBy, t.initiatorId),
  ],
);

// ---------------------------------------------------------------------------------------------
// §3.8 plans
// ---------------------------------------------------------------------------------------------

export interface PlanTimeline {
  start_date?: string;
  end_date?: string;
  milestones?: unknown[];
  [key: string]: unknown;
}
export interface PlanResources {
  [key: string]: unknown;
}

export const plans = pgTable(
  'plans',
  {
    id: id(),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description'),
    objective: text('objective').notNull(),
    scope: text('scope'),
    status: varchar('status', { length: 50 }).$type<(typeof PLAN_STATUSES)[number]>().notNull().default('draft'),
    version: integer('version').notNull().default(1),
    assistantId: ref('assistant_id').notNull(),
    workflowId: ref('workflow_id'),
    timeline: jsonb('timeline').$type<PlanTimeline>().notNull(),
    resources: jsonb('resources').$type<PlanResources>().notNull(),
    riskAssessment: text('risk_assessment'),
    successCriteria: text('success_criteria').array(),
    submittedAt: tstz('submitted_at'),
    approvedAt: tstz('approved_at'),
    rejectedAt: tstz('rejected_at'),
    rejectionReason: text('rejection_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    // No cascade: a plan is the record of an assistant's proposal (assistants are soft-deleted).
    foreignKey({ name: 'plans_assistant_id_fk', columns: [t.assistantId], foreignColumns: [aiAssistants.id] }).onDelete(
      'no action',
    ),
    // §15.6.2: deleting a workflow deletes its plans.
    foreignKey({ name: 'plans_workflow_id_fk', columns: [t.workflowId], foreignColumns: [workflows.id] }).onDelete('cascade'),
    check('plans_status_check', oneOf(t.status, PLAN_STATUSES)),
    check('plans_version_check', sql`${t.version} >= 1`),
    index('idx_plans_status').on(t.status),
    index('idx_plans_assistant').on(t.assistantId),
    index('idx_plans_workflow').on(t.workflowId),
    index('idx_plans_submitted').on(t.submittedAt),
    index('idx_plans_approved').on(t.approvedAt),
    index('idx_plans_assistant_status').on(t.assistantId, t.status),
    index('idx_plans_timeline').using('gin', t.timeline),
    index('idx_plans_resources').using('gin', t.resources),
    index('idx_plans_description_search').using('gin', sql`to_tsvector('simple', ${t.description})`),
  ],
);

export const planApprovals = pgTable(
  'plan_approvals',
  {
    id: id(),
    planId: ref('plan_id').notNull(),
    approverType: varchar('approver_type', { length: 20 }).$type<ActorType>().notNull(),
    /** users.id or ai_assistants.id depending on approver_type (no FK: polymorphic). */
    approverId: ref('approver_id'),
    action: varchar('action', { length: 20 }).$type<(typeof APPROVAL_ACTIONS)[number]>().notNull(),
    comments: text('comments'),
    conditions: text('conditions').array(),
    approvalDate: tstz('approval_date').notNull().defaultNow(),
    status: varchar('status', { length: 50 }).$type<(typeof APPROVAL_STATUSES)[number]>().notNull().default('pending'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ name: 'plan_approvals_plan_id_fk', columns: [t.planId], foreignColumns: [plans.id] }).onDelete('cascade'),
    check('plan_approvals_approver_type_check', oneOf(t.approverType, ACTOR_TYPES)),
    check('plan_approvals_action_check', oneOf(t.action, APPROVAL_ACTIONS)),
    check('plan_approvals_status_check', oneOf(t.status, APPROVAL_STATUSES)),
    index('idx_plan_approvals_plan').on(t.planId),
    index('idx_plan_approvals_approver').on(t.approverType, t.approverId),
    index('idx_plan_approvals_action').on(t.action),
    index('idx_plan_approvals_status').on(t.status),
  ],
);

export const planVersions = pgTable(
  'plan_versions',
  {
    id: id(),
    planId: ref('plan_id').notNull(),
    versionNumber: integer('version_number').notNull(),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description'),
    objective: text('objective').notNull(),
    scope: text('scope'),
    timeline: jsonb('timeline').$type<PlanTimeline>().notNull(),
    resources: jsonb('resources').$type<PlanResources>().notNull(),
    riskAssessment: text('risk_assessment'),
    successCriteria: text('success_criteria').array(),
    changeSummary: text('change_summary'),
    createdBy: ref('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'plan_versions_plan_id_fk', columns: [t.planId], foreignColumns: [plans.id] }).onDelete('cascade'),
    foreignKey({ name: 'plan_versions_created_by_fk', columns: [t.createdBy], foreignColumns: [users.id] }).onDelete('set null'),
    unique('plan_versions_plan_id_version_number_unique').on(t.planId, t.versionNumber),
    check('plan_versions_version_number_check', sql`${t.versionNumber} >= 1`),
    index('idx_plan_versions_plan').on(t.planId),
    index('idx_plan_versions_version').on(t.versionNumber),
    index('idx_plan_versions_created_by').on(t.createdBy),
  ],
);

// ---------------------------------------------------------------------------------------------
// §7.2 workflow_summary: created by a custom migration (drizzle-kit is told not to manage it).
// ---------------------------------------------------------------------------------------------

export const workflowSummary = pgMaterializedView('workflow_summary', {
  id: bigint('id', { mode: 'number' }).notNull(),
  name: varchar('name', { length: 100 }).notNull(),
  status: varchar('status', { length: 50 }).notNull(),
  /** count(): bigint; read as a number. */
  totalTasks: bigint('total_tasks', { mode: 'number' }).notNull(),
  completedTasks: bigint('completed_tasks', { mode: 'number' }).notNull(),
  /** avg(numeric): a string such as '2.5000000000000000', or null when no task has hours. */
  avgTaskHours: numeric('avg_task_hours'),
}).existing();

// ---------------------------------------------------------------------------------------------
// Vault index (issue 3; not in the design — see docs/schema.md). Owned by daemon/src/vault.
// One row per indexed file of a registered vault (obsidian_integration_settings), its outgoing links
// and the per-file failures/warnings of the last index. Search reads these tables.
// ---------------------------------------------------------------------------------------------

export const NOTE_KINDS = ['markdown', 'excalidraw'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
export const NOTE_LINK_KINDS = ['wikilink', 'markdown', 'frontmatter'] as const;
export const VAULT_INDEX_ERROR_SEVERITIES = ['error', 'warning'] as const;
export type VaultIndexErrorSeverity = (typeof VAULT_INDEX_ERROR_SEVERITIES)[number];

export interface NoteHeadingJson {
  level: number;
  text: string;
  line: number;
}

export const notes = pgTable(
  'notes',
  {
    id: id(),
    vaultId: ref('vault_id').notNull(),
    /** Vault-relative, NFC, '/' separators, with its extension: "Folder/Sub/Note.md". */
    path: text('path').notNull(),
    /** The folder part of path ('' at the root): "Folder/Sub". */
    folder: text('folder').notNull().default(''),
    /** File name without its extension ("Note", "Drawing.excalidraw"): Obsidian's note name. */
    title: text('title').notNull(),
    /** Link-resolution keys: lower-cased NFC file name / path with a trailing ".md" removed. */
    linkName: text('link_name').notNull(),
    linkPath: text('link_path').notNull(),
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    /** Lower-cased, without '#', nested kept as "a/b", de-duplicated (frontmatter + inline). */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    headings: jsonb('headings').$type<NoteHeadingJson[]>().notNull().default(sql`'[]'::jsonb`),
    /** Frontmatter as JSON (dates as written); null when absent or unparsable. */
    frontmatter: jsonb('frontmatter').$type<Record<string, unknown>>(),
    /** The searchable body (for snippets): no frontmatter; Excalidraw: text elements only; capped. */
    body: text('body').notNull().default(''),
    kind: varchar('kind', { length: 20 }).notNull().default('markdown'),
    size: bigint('size', { mode: 'number' }).notNull(),
    mtime: tstz('mtime').notNull(),
    /** sha256 hex of the file bytes. */
    contentHash: text('content_hash').notNull(),
    /** Weighted: A title, B aliases + headings, C tags, D body (pre-tokenized text, 'simple' config). */
    searchVector: tsvector('search_vector').notNull(),
    indexedAt: tstz('indexed_at').notNull().defaultNow(),
    /** Frontmatter error or warning of this note (also listed in vault_index_errors). */
    parseError: text('parse_error'),
  },
  (t) => [
    foreignKey({ columns: [t.vaultId], foreignColumns: [obsidianIntegrationSettings.id], name: 'notes_vault_id_fk' })
      .onDelete('cascade'),
    unique('notes_vault_id_path_unique').on(t.vaultId, t.path),
    check('notes_kind_check', oneOf(t.kind, NOTE_KINDS)),
    index('idx_notes_search_vector').using('gin', t.searchVector),
    index('idx_notes_tags').using('gin', t.tags),
    index('idx_notes_vault_id_lower_title').on(t.vaultId, sql`lower(${t.title})`),
    index('idx_notes_vault_id_link_name').on(t.vaultId, t.linkName),
    index('idx_notes_vault_id_folder').on(t.vaultId, t.folder),
    index('idx_notes_vault_id_mtime').on(t.vaultId, t.mtime),
  ],
);

export const noteLinks = pgTable(
  'note_links',
  {
    id: id(),
    vaultId: ref('vault_id').notNull(),
    sourceNoteId: ref('source_note_id').notNull(),
    /** As written, without subpath or alias ("Folder/Note", "Note.md", "x.png", "" for [[#Heading]]). */
    target: text('target').notNull(),
    /** "#Heading" or "#^block". */
    subpath: text('subpath'),
    alias: text('alias'),
    embed: boolean('embed').notNull().default(false),
    kind: varchar('kind', { length: 20 }).notNull(),
    line: integer('line').notNull(),
    /** Lower-cased NFC vault path (relative links made absolute) without a trailing ".md"; '' = self. */
    targetKey: text('target_key').notNull(),
    /** The last segment of target_key: the file name to look up. */
    targetName: text('target_name').notNull(),
    /** The note the link points to, or null while unresolved (re-resolved as notes come and go). */
    resolvedNoteId: ref('resolved_note_id'),
  },
  (t) => [
    foreignKey({ columns: [t.vaultId], foreignColumns: [obsidianIntegrationSettings.id], name: 'note_links_vault_id_fk' })
      .onDelete('cascade'),
    foreignKey({ columns: [t.sourceNoteId], foreignColumns: [notes.id], name: 'note_links_source_note_id_fk' })
      .onDelete('cascade'),
    foreignKey({ columns: [t.resolvedNoteId], foreignColumns: [notes.id], name: 'note_links_resolved_note_id_fk' })
      .onDelete('set null'),
    check('note_links_kind_check', oneOf(t.kind, NOTE_LINK_KINDS)),
    index('idx_note_links_source_note_id').on(t.sourceNoteId),
    index('idx_note_links_resolved_note_id').on(t.resolvedNoteId),
    index('idx_note_links_vault_id_target_name').on(t.vaultId, t.targetName),
  ],
);

/** Per-file failures (not indexed: binary, unreadable) and warnings (frontmatter error, body capped). */
export const vaultIndexErrors = pgTable(
  'vault_index_errors',
  {
    id: id(),
    vaultId: ref('vault_id').notNull(),
    path: text('path').notNull(),
    severity: varchar('severity', { length: 10 }).notNull(),
    message: text('message').notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      columns: [t.vaultId],
      foreignColumns: [obsidianIntegrationSettings.id],
      name: 'vault_index_errors_vault_id_fk',
    }).onDelete('cascade'),
    unique('vault_index_errors_vault_id_path_unique').on(t.vaultId, t.path),
    check('vault_index_errors_severity_check', oneOf(t.severity, VAULT_INDEX_ERROR_SEVERITIES)),
  ],
);

/**
 * `bytea` read and written as a Uint8Array (node-postgres gives a Buffer, PGlite a Uint8Array).
 * Embedding vectors are stored so, as little-endian float32, because PostgreSQL 15 without
 * pgvector has no vector type and a `real[]` comes back as text to parse number by number.
 */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Embedding vectors of the notes' sections (semantic search, docs/ai.md). One row per chunk of a
 * note for the vault's current embedding model; rows of another model are deleted by the embedder.
 * `source_hash` says which version of the note (path and content) the chunks were cut from, so an
 * unchanged note is skipped without being read; `content_hash` lets an unchanged chunk keep its vector.
 */
export const noteEmbeddings = pgTable(
  'note_embeddings',
  {
    id: id(),
    vaultId: ref('vault_id').notNull(),
    noteId: ref('note_id').notNull(),
    chunkIndex: integer('chunk_index').notNull(),
    heading: text('heading'),
    /** sha256 hex of the chunk text sent to the model. */
    contentHash: text('content_hash').notNull(),
    /** md5 of the note's path and content_hash when the chunks were cut. */
    sourceHash: text('source_hash').notNull(),
    /** "openai:text-embedding-3-small@512" (daemon/src/ai/embedding.ts embeddingModelId). */
    model: varchar('model', { length: 300 }).notNull(),
    dimensions: integer('dimensions').notNull(),
    /** `dimensions` little-endian float32 numbers. */
    vector: bytea('vector').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.vaultId], foreignColumns: [obsidianIntegrationSettings.id], name: 'note_embeddings_vault_id_fk' }).onDelete('cascade'),
    foreignKey({ columns: [t.noteId], foreignColumns: [notes.id], name: 'note_embeddings_note_id_fk' }).onDelete('cascade'),
    unique('note_embeddings_note_id_chunk_index_unique').on(t.noteId, t.chunkIndex),
    check('note_embeddings_dimensions_check', sql`${t.dimensions} > 0 AND octet_length(${t.vector}) = 4 * ${t.dimensions}`),
    index('idx_note_embeddings_vault_id_model').on(t.vaultId, t.model),
  ],
);

/**
 * Sections the embedding model refused even shortened (longer than its context: docs/ai.md), one
 * row per section, written with the note's vectors in one transaction. With `source_hash` the note
 * counts as embedded, so the section is not sent again every round; it is tried again when the
 * note changes (another `source_hash`), the model changes (rows of another model are deleted) or
 * the semantic search settings are saved. Left to the lexical search meanwhile.
 */
export const noteEmbeddingSkips = pgTable(
  'note_embedding_skips',
  {
    id: id(),
    vaultId: ref('vault_id').notNull(),
    noteId: ref('note_id').notNull(),
    chunkIndex: integer('chunk_index').notNull(),
    heading: text('heading'),
    /** sha256 hex of the chunk text that was refused. */
    contentHash: text('content_hash').notNull(),
    sourceHash: text('source_hash').notNull(),
    model: varchar('model', { length: 300 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.vaultId], foreignColumns: [obsidianIntegrationSettings.id], name: 'note_embedding_skips_vault_id_fk' }).onDelete('cascade'),
    foreignKey({ columns: [t.noteId], foreignColumns: [notes.id], name: 'note_embedding_skips_note_id_fk' }).onDelete('cascade'),
    unique('note_embedding_skips_note_id_chunk_index_unique').on(t.noteId, t.chunkIndex),
    index('idx_note_embedding_skips_vault_id_model').on(t.vaultId, t.model),
  ],
);

// ---------------------------------------------------------------------------------------------
// Inferred row types
// ---------------------------------------------------------------------------------------------

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Role = typeof roles.$inferSelect;
export type NewRole = typeof roles.$inferInsert;
export type Persona = typeof personas.$inferSelect;
export type NewPersona = typeof personas.$inferInsert;
export type Team = typeof teams.$inferSelect;
export type NewTeam = typeof teams.$inferInsert;
export type AiAssistant = typeof aiAssistants.$inferSelect;
export type NewAiAssistant = typeof aiAssistants.$inferInsert;
export type AssistantSkill = typeof assistantSkills.$inferSelect;
export type NewAssistantSkill = typeof assistantSkills.$inferInsert;
export type TeamMember = typeof teamMembers.$inferSelect;
export type NewTeamMember = typeof teamMembers.$inferInsert;
export type Workflow = typeof workflows.$inferSelect;
export type NewWorkflow = typeof workflows.$inferInsert;
export type Task = typeof tasks.$inferSelect;
export type NewTask = typeof tasks.$inferInsert;
export type TaskHistory = typeof taskHistory.$inferSelect;
export type NewTaskHistory = typeof taskHistory.$inferInsert;
export type Conversation = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;
export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type ObsidianIntegrationSettings = typeof obsidianIntegrationSettings.$inferSelect;
export type NewObsidianIntegrationSettings = typeof obsidianIntegrationSettings.$inferInsert;
export type LibrarianAssistant = typeof librarianAssistant.$inferSelect;
export type NewLibrarianAssistant = typeof librarianAssistant.$inferInsert;
export type AiDiscussion = typeof aiDiscussions.$inferSelect;
export type NewAiDiscussion = typeof aiDiscussions.$inferInsert;
export type DiscussionParticipant = typeof discussionParticipants.$inferSelect;
export type NewDiscussionParticipant = typeof discussionParticipants.$inferInsert;
export type DiscussionMessage = typeof discussionMessages.$inferSelect;
export type NewDiscussionMessage = typeof discussionMessages.$inferInsert;
export type DiscussionInterruption = typeof discussionInterruptions.$inferSelect;
export type NewDiscussionInterruption = typeof discussionInterruptions.$inferInsert;
export type Plan = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;
export type PlanApproval = typeof planApprovals.$inferSelect;
export type NewPlanApproval = typeof planApprovals.$inferInsert;
export type PlanVersion = typeof planVersions.$inferSelect;
export type NewPlanVersion = typeof planVersions.$inferInsert;
export type WorkflowSummary = typeof workflowSummary.$inferSelect;
export type Note = typeof notes.$inferSelect;
export type NewNote = typeof notes.$inferInsert;
export type NoteLinkRow = typeof noteLinks.$inferSelect;
export type NewNoteLinkRow = typeof noteLinks.$inferInsert;
export type VaultIndexError = typeof vaultIndexErrors.$inferSelect;
export type NoteEmbedding = typeof noteEmbeddings.$inferSelect;
export type NoteEmbeddingSkip = typeof noteEmbeddingSkips.$inferSelect;
export type NewVaultIndexError = typeof vaultIndexErrors.$inferInsert;
