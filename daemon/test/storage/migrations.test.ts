/**
 * Migrations on every target: from an empty database, twice, the initial data (§14.3.1), every table,
 * trigger and index of the design.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/database';
import { findMigrationsFolder } from '../../src/db/migrations-folder';
import * as t from '../../src/db/schema';
import { DESIGN_TABLES, OTHER_TABLES } from './fixtures';
import { migrationStatements, testDatabaseTargets, testPgUrl, type TestDatabase } from '../helpers/databases';


/** Index names of design §3, §5 and §15 (with the fixes listed in docs/schema.md), plus the view's. */
export const DESIGN_INDEXES = [
  // §3
  'idx_users_username', 'idx_users_email', 'idx_users_active', 'idx_users_deleted',
  'idx_ai_assistants_provider', 'idx_ai_assistants_persona', 'idx_ai_assistants_team', 'idx_ai_assistants_active',
  'idx_assistant_skills_assistant', 'idx_assistant_skills_name',
  'idx_personas_role', 'idx_personas_default', 'idx_personas_icon_type',
  'idx_teams_type', 'idx_teams_active',
  'idx_team_members_team', 'idx_team_members_assistant',
  'idx_roles_category', 'idx_roles_subcategory',
  'idx_workflows_status', 'idx_workflows_type', 'idx_workflows_team', 'idx_workflows_created_by',
  'idx_tasks_workflow', 'idx_tasks_status', 'idx_tasks_assigned', 'idx_tasks_due_date',
  'idx_task_history_task', 'idx_task_history_action', 'idx_task_history_created',
  'idx_conversations_type', 'idx_conversations_status', 'idx_conversations_created_by', 'idx_conversations_participants',
  'idx_messages_conversation', 'idx_messages_sender', 'idx_messages_created',
  'idx_obsidian_enabled', 'idx_obsidian_sync_status',
  'idx_librarian_active',
  'idx_ai_discussions_type', 'idx_ai_discussions_status', 'idx_ai_discussions_topic', 'idx_ai_discussions_started',
  'idx_discussion_participants_discussion', 'idx_discussion_participants_assistant', 'idx_discussion_participants_active',
  'idx_discussion_messages_discussion', 'idx_discussion_messages_participant', 'idx_discussion_messages_type',
  'idx_discussion_messages_parent', 'idx_discussion_messages_consensus',
  'idx_discussion_interruptions_discussion', 'idx_discussion_interruptions_type', 'idx_discussion_interruptions_priority',
  'idx_discussion_interruptions_initiator',
  'idx_plans_status', 'idx_plans_assistant', 'idx_plans_workflow', 'idx_plans_submitted', 'idx_plans_approved',
  'idx_plan_approvals_plan', 'idx_plan_approvals_approver', 'idx_plan_approvals_action', 'idx_plan_approvals_status',
  'idx_plan_versions_plan', 'idx_plan_versions_version', 'idx_plan_versions_created_by',
  // §5.1 (idx_assistant_skills_skills on a nonexistent column → idx_assistant_skills_name_trgm)
  'idx_tasks_workflow_status', 'idx_messages_conversation_created', 'idx_plans_assistant_status', 'idx_discussions_type_status',
  'idx_active_workflows', 'idx_active_tasks', 'idx_active_discussions', 'idx_plans_timeline', 'idx_plans_resources',
  'idx_assistant_skills_name_trgm',
  // §5.2 (§3.5.2's idx_messages_content was the same index as idx_messages_content_search: one kept)
  'idx_messages_content_search', 'idx_plans_description_search', 'idx_tasks_description_search',
  // §15
  'idx_users_username_email', 'idx_users_role_active', 'idx_users_active_only',
  'idx_ai_assistants_created_by', 'idx_ai_assistants_team_active', 'idx_personas_name', 'idx_roles_system', 'idx_teams_name',
  'idx_team_members_active', 'idx_workflows_priority', 'idx_workflows_team_status', 'idx_workflows_priority_status',
  // §7.2 view
  'idx_workflow_summary_id',
];

const TABLES_WITH_UPDATED_AT = [
  'users', 'roles', 'personas', 'teams', 'ai_assistants', 'assistant_skills', 'workflows', 'tasks', 'conversations',
  'messages', 'obsidian_integration_settings', 'librarian_assistant', 'ai_discussions', 'discussion_messages', 'plans',
  'plan_approvals',
];

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

async function initialData(database: Pick<Database, 'db'>) {
  const roles = await database.db.select().from(t.roles).orderBy(t.roles.id);
  const personas = await database.db.select().from(t.personas).orderBy(t.personas.id);
  const teams = await database.db.select().from(t.teams).orderBy(t.teams.id);
  return { roles, personas, teams };
}

async function expectInitialDataOnce(database: Pick<Database, 'db'>) {
  const { roles, personas, teams } = await initialData(database);
  expect(roles.map((r) => r.name)).toEqual(['admin', 'user', 'ai_assistant', 'team_leader', 'workflow_manager']);
  expect(roles.every((r) => r.isSystem)).toBe(true);
  expect(roles[0]?.permissions).toEqual({ all: true });
  expect(personas.map((p) => p.name)).toEqual([
    'プロジェクトマネージャー', '技術アーキテクト', 'クリエイティブディレクター', 'データアナリスト', '司書AI',
  ]);
  expect(personas.every((p) => p.isDefault && p.iconType === 'preset')).toBe(true);
  const librarian = personas.find((p) => p.name === '司書AI');
  expect(librarian?.iconMetadata).toEqual({ icon_name: 'librarian', color: '#EF4444', style: 'organized' });
  expect(librarian?.metadata).toEqual({
    specialization: ['知識管理', '情報検索', 'タグ付け', 'テンプレート管理'],
    communication_style: 'organized',
  });
  const roleIdByName = new Map(roles.map((r) => [r.name, r.id]));
  expect(personas[0]?.roleId).toBe(roleIdByName.get('team_leader'));
  expect(librarian?.roleId).toBe(roleIdByName.get('ai_assistant'));
  expect(teams.map((x) => [x.name, x.teamType, x.maxMembers])).toEqual([
    ['開発チーム', 'development', 10],
    ['デザインチーム', 'design', 8],
    ['プロジェクト管理チーム', 'management', 5],
    ['データ分析チーム', 'analytics', 6],
    ['知識管理チーム', 'knowledge', 4],
  ]);
  // Never the §14.3.2 test data.
  expect(await database.db.select().from(t.users)).toEqual([]);
  expect(await database.db.select().from(t.aiAssistants)).toEqual([]);
}

/** A truly empty database for the target, opened through openDatabase (not through the test template). */
async function openEmpty(kind: string): Promise<{ database: Database; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'hisho-empty-'));
    const dataDir = path.join(parent, 'not', 'yet', 'there'); // openDatabase creates it
    const database = await openDatabase({ dataDir });
    return { database, cleanup: async () => { await database.close(); await rm(parent, { recursive: true, force: true }); } };
  }
  const adminUrl = testPgUrl()!;
  const name = `hisho_test_empty_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try { await c.query(q); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE "${name}" TEMPLATE template0`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), dataDir: os.tmpdir() });
  return {
    database,
    cleanup: async () => { await database.close(); await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); },
  };
}

describe.each(testDatabaseTargets())('migrations on $kind', (target) => {
  it('migrate from an empty database, then again: one copy of the initial data', async () => {
    const { database, cleanup } = await openEmpty(target.kind);
    try {
      expect(database.kind).toBe(target.kind);
      const before = rowsOf<{ n: number | string }>(
        await database.db.execute(sql`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`),
      );
      expect(Number(before[0]?.n)).toBe(0);
      await migrateDatabase(database);
      await expectInitialDataOnce(database);
      await migrateDatabase(database);
      await expectInitialDataOnce(database);
      const applied = rowsOf<{ n: number | string }>(
        await database.db.execute(sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`),
      );
      // One row per migration of the journal (each applied once).
      const journal = JSON.parse(await readFile(path.join(findMigrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(journal.entries.length).toBeGreaterThanOrEqual(8);
      expect(Number(applied[0]?.n)).toBe(journal.entries.length);
    } finally {
      await cleanup();
    }
  }, 60_000);

  describe('a migrated database', () => {
    let tdb: TestDatabase;
    beforeAll(async () => {
      tdb = await target.open();
    });
    afterAll(async () => {
      await tdb?.dispose();
    });

    it('holds exactly the initial data', async () => {
      await expectInitialDataOnce(tdb);
    });

    it('the initial-data migration is idempotent by natural key when run again', async () => {
      const statements = await migrationStatements('_initial_data');
      expect(statements).toHaveLength(3);
      for (const s of statements) await tdb.db.execute(sql.raw(s));
      await expectInitialDataOnce(tdb);
    });

    it('has every table of the design, and the workflow_summary materialized view', async () => {
      const tables = rowsOf<{ tablename: string }>(
        await tdb.db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`),
      ).map((r) => r.tablename);
      expect([...tables].sort()).toEqual([...DESIGN_TABLES, ...OTHER_TABLES].sort());
      const views = rowsOf<{ matviewname: string }>(
        await tdb.db.execute(sql`SELECT matviewname FROM pg_matviews WHERE schemaname = 'public'`),
      );
      expect(views.map((v) => v.matviewname)).toEqual(['workflow_summary']);
    });

    it('every table with updated_at has the update trigger, and no other table has one', async () => {
      const withColumn = rowsOf<{ table_name: string }>(
        await tdb.db.execute(sql`
          SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'updated_at'
            AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'public')`),
      ).map((r) => r.table_name);
      expect([...withColumn].sort()).toEqual([...TABLES_WITH_UPDATED_AT].sort());
      const triggers = rowsOf<{ table_name: string; tgname: string; tgenabled: string }>(
        await tdb.db.execute(sql`
          SELECT c.relname AS table_name, tg.tgname, tg.tgenabled
          FROM pg_trigger tg
          JOIN pg_class c ON c.oid = tg.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_proc p ON p.oid = tg.tgfoid
          WHERE n.nspname = 'public' AND NOT tg.tgisinternal AND p.proname = 'update_updated_at_column'
            AND (tg.tgtype & 2) = 2 AND (tg.tgtype & 16) = 16`), // BEFORE, UPDATE
      );
      expect(triggers.map((r) => r.table_name).sort()).toEqual([...TABLES_WITH_UPDATED_AT].sort());
      for (const r of triggers) {
        expect(r.tgname).toBe(`update_${r.table_name}_updated_at`);
        expect(r.tgenabled).toBe('O');
      }
    });

    it('has every index named in the design', async () => {
      const names = new Set(
        rowsOf<{ indexname: string }>(
          await tdb.db.execute(sql`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`),
        ).map((r) => r.indexname),
      );
      const missing = DESIGN_INDEXES.filter((n) => !names.has(n));
      expect(missing).toEqual([]);
    });

    it('indexes have the designed shape (GIN, partial, expression, trigram)', async () => {
      const defs = new Map(
        rowsOf<{ indexname: string; indexdef: string }>(
          await tdb.db.execute(sql`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`),
        ).map((r) => [r.indexname, r.indexdef]),
      );
      expect(defs.get('idx_conversations_participants')).toMatch(/USING gin \(participant_assistant_ids\)/);
      expect(defs.get('idx_plans_timeline')).toMatch(/USING gin \(timeline\)/);
      // Over the tokenized search_vector (0008), which finds Japanese words; to_tsvector(content) cannot.
      expect(defs.get('idx_messages_content_search')).toMatch(/ON public\.messages USING gin \(search_vector\)/);
      expect(defs.get('idx_messages_search_pending')).toMatch(/\(id\) WHERE \(search_vector IS NULL\)/);
      expect(defs.get('idx_assistant_skills_name_trgm')).toMatch(/gin_trgm_ops/);
      expect(defs.get('idx_active_tasks')).toMatch(/WHERE .*status.*pending.*assigned.*in_progress/);
      expect(defs.get('idx_active_workflows')).toMatch(/\(id, name, status\) WHERE .*'active'/);
      expect(defs.get('idx_ai_assistants_team_active')).toMatch(/\(team_id, is_active\) WHERE \(?is_active/);
      expect(defs.get('idx_workflow_summary_id')).toMatch(/^CREATE UNIQUE INDEX/);
      // The duplicate of §3.5.2 is not created twice under another name.
      const contentSearch = [...defs.values()].filter((d) => /ON public\.messages USING gin/.test(d));
      expect(contentSearch).toHaveLength(1);
    });

    it('the pg_trgm extension is installed and usable', async () => {
      const r = rowsOf<{ s: number | string }>(await tdb.db.execute(sql`SELECT similarity('知識管理', '知識管理チーム') AS s`));
      expect(Number(r[0]?.s)).toBeGreaterThan(0);
    });
  });
});
