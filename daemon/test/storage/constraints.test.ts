/**
 * Every CHECK, FOREIGN KEY and UNIQUE constraint rejects a bad row, with its SQLSTATE and its name
 * (read through pgErrorOf), on every database target. A coverage test makes sure no constraint of the
 * schema is left without a case here.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgErrorOf } from '../../src/db/errors';
import * as t from '../../src/db/schema';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { DESIGN_TABLES, errorOf, insertFixture, type Fixture } from './fixtures';

const CHECK = '23514';
const FK = '23503';
const UNIQUE = '23505';
const MISSING = 999_999_999;

interface Case {
  constraint: string;
  code: typeof CHECK | typeof FK | typeof UNIQUE;
  sql: (f: Fixture) => string;
}

const checkCases: Case[] = [
  { constraint: 'ai_assistants_ai_provider_check', code: CHECK, sql: (f) => `UPDATE ai_assistants SET ai_provider = 'mistral' WHERE id = ${f.assistantId}` },
  { constraint: 'ai_assistants_usage_count_check', code: CHECK, sql: (f) => `UPDATE ai_assistants SET usage_count = -1 WHERE id = ${f.assistantId}` },
  { constraint: 'assistant_skills_skill_level_check', code: CHECK, sql: (f) => `UPDATE assistant_skills SET skill_level = 11 WHERE id = ${f.skillId}` },
  { constraint: 'personas_icon_type_check', code: CHECK, sql: (f) => `UPDATE personas SET icon_type = 'emoji' WHERE id = ${f.personaId}` },
  { constraint: 'teams_max_members_check', code: CHECK, sql: (f) => `UPDATE teams SET max_members = 0 WHERE id = ${f.teamId}` },
  { constraint: 'workflows_status_check', code: CHECK, sql: (f) => `UPDATE workflows SET status = 'done' WHERE id = ${f.workflowId}` },
  { constraint: 'workflows_priority_check', code: CHECK, sql: (f) => `UPDATE workflows SET priority = 'asap' WHERE id = ${f.workflowId}` },
  { constraint: 'tasks_status_check', code: CHECK, sql: (f) => `UPDATE tasks SET status = 'blocked' WHERE id = ${f.taskId}` },
  { constraint: 'tasks_priority_check', code: CHECK, sql: (f) => `UPDATE tasks SET priority = 'none' WHERE id = ${f.taskId}` },
  { constraint: 'tasks_estimated_hours_check', code: CHECK, sql: (f) => `UPDATE tasks SET estimated_hours = -0.5 WHERE id = ${f.taskId}` },
  { constraint: 'tasks_actual_hours_check', code: CHECK, sql: (f) => `UPDATE tasks SET actual_hours = -1 WHERE id = ${f.taskId}` },
  { constraint: 'conversations_conversation_type_check', code: CHECK, sql: (f) => `UPDATE conversations SET conversation_type = 'email' WHERE id = ${f.conversationId}` },
  { constraint: 'conversations_status_check', code: CHECK, sql: (f) => `UPDATE conversations SET status = 'gone' WHERE id = ${f.conversationId}` },
  { constraint: 'messages_sender_type_check', code: CHECK, sql: (f) => `UPDATE messages SET sender_type = 'robot' WHERE id = ${f.messageId}` },
  { constraint: 'messages_message_type_check', code: CHECK, sql: (f) => `UPDATE messages SET message_type = 'video' WHERE id = ${f.messageId}` },
  { constraint: 'obsidian_integration_settings_sync_interval_minutes_check', code: CHECK, sql: (f) => `UPDATE obsidian_integration_settings SET sync_interval_minutes = 0 WHERE id = ${f.obsidianId}` },
  { constraint: 'librarian_assistant_ai_provider_check', code: CHECK, sql: (f) => `UPDATE librarian_assistant SET ai_provider = 'unknown' WHERE id = ${f.librarianId}` },
  { constraint: 'ai_discussions_discussion_type_check', code: CHECK, sql: (f) => `UPDATE ai_discussions SET discussion_type = 'chat' WHERE id = ${f.discussionId}` },
  { constraint: 'ai_discussions_status_check', code: CHECK, sql: (f) => `UPDATE ai_discussions SET status = 'draft' WHERE id = ${f.discussionId}` },
  { constraint: 'ai_discussions_max_participants_check', code: CHECK, sql: (f) => `UPDATE ai_discussions SET max_participants = 1 WHERE id = ${f.discussionId}` },
  { constraint: 'ai_discussions_current_participant_count_check', code: CHECK, sql: (f) => `UPDATE ai_discussions SET current_participant_count = -1 WHERE id = ${f.discussionId}` },
  { constraint: 'discussion_participants_role_check', code: CHECK, sql: (f) => `UPDATE discussion_participants SET role = 'judge' WHERE id = ${f.participantId}` },
  { constraint: 'discussion_participants_contribution_count_check', code: CHECK, sql: (f) => `UPDATE discussion_participants SET contribution_count = -1 WHERE id = ${f.participantId}` },
  { constraint: 'discussion_messages_message_type_check', code: CHECK, sql: (f) => `UPDATE discussion_messages SET message_type = 'rant' WHERE id = ${f.discussionMessageId}` },
  { constraint: 'discussion_messages_confidence_level_check', code: CHECK, sql: (f) => `UPDATE discussion_messages SET confidence_level = 0 WHERE id = ${f.discussionMessageId}` },
  { constraint: 'discussion_interruptions_interruption_type_check', code: CHECK, sql: (f) => `UPDATE discussion_interruptions SET interruption_type = 'stop' WHERE id = ${f.interruptionId}` },
  { constraint: 'discussion_interruptions_priority_check', code: CHECK, sql: (f) => `UPDATE discussion_interruptions SET priority = 'now' WHERE id = ${f.interruptionId}` },
  { constraint: 'discussion_interruptions_initiated_by_check', code: CHECK, sql: (f) => `UPDATE discussion_interruptions SET initiated_by = 'cat' WHERE id = ${f.interruptionId}` },
  { constraint: 'plans_status_check', code: CHECK, sql: (f) => `UPDATE plans SET status = 'done' WHERE id = ${f.planId}` },
  { constraint: 'plans_version_check', code: CHECK, sql: (f) => `UPDATE plans SET version = 0 WHERE id = ${f.planId}` },
  { constraint: 'plan_approvals_approver_type_check', code: CHECK, sql: (f) => `UPDATE plan_approvals SET approver_type = 'boss' WHERE id = ${f.planApprovalId}` },
  { constraint: 'plan_approvals_action_check', code: CHECK, sql: (f) => `UPDATE plan_approvals SET action = 'ignore' WHERE id = ${f.planApprovalId}` },
  { constraint: 'plan_approvals_status_check', code: CHECK, sql: (f) => `UPDATE plan_approvals SET status = 'maybe' WHERE id = ${f.planApprovalId}` },
  { constraint: 'plan_versions_version_number_check', code: CHECK, sql: (f) => `UPDATE plan_versions SET version_number = 0 WHERE id = ${f.planVersionId}` },
];

const fkCases: Case[] = [
  { constraint: 'ai_assistants_persona_id_fk', code: FK, sql: (f) => `UPDATE ai_assistants SET persona_id = ${MISSING} WHERE id = ${f.assistantId}` },
  { constraint: 'ai_assistants_team_id_fk', code: FK, sql: (f) => `UPDATE ai_assistants SET team_id = ${MISSING} WHERE id = ${f.assistantId}` },
  { constraint: 'ai_assistants_created_by_fk', code: FK, sql: (f) => `UPDATE ai_assistants SET created_by = ${MISSING} WHERE id = ${f.assistantId}` },
  { constraint: 'assistant_skills_assistant_id_fk', code: FK, sql: (f) => `UPDATE assistant_skills SET assistant_id = ${MISSING} WHERE id = ${f.skillId}` },
  { constraint: 'personas_role_id_fk', code: FK, sql: (f) => `UPDATE personas SET role_id = ${MISSING} WHERE id = ${f.personaId}` },
  { constraint: 'team_members_team_id_fk', code: FK, sql: (f) => `UPDATE team_members SET team_id = ${MISSING} WHERE id = ${f.teamMemberId}` },
  { constraint: 'team_members_assistant_id_fk', code: FK, sql: (f) => `UPDATE team_members SET assistant_id = ${MISSING} WHERE id = ${f.teamMemberId}` },
  { constraint: 'workflows_created_by_fk', code: FK, sql: (f) => `UPDATE workflows SET created_by = ${MISSING} WHERE id = ${f.workflowId}` },
  { constraint: 'workflows_assigned_team_id_fk', code: FK, sql: (f) => `UPDATE workflows SET assigned_team_id = ${MISSING} WHERE id = ${f.workflowId}` },
  { constraint: 'tasks_workflow_id_fk', code: FK, sql: (f) => `UPDATE tasks SET workflow_id = ${MISSING} WHERE id = ${f.taskId}` },
  { constraint: 'tasks_assigned_assistant_id_fk', code: FK, sql: (f) => `UPDATE tasks SET assigned_assistant_id = ${MISSING} WHERE id = ${f.taskId}` },
  { constraint: 'task_history_task_id_fk', code: FK, sql: (f) => `UPDATE task_history SET task_id = ${MISSING} WHERE id = ${f.taskHistoryId}` },
  { constraint: 'task_history_changed_by_fk', code: FK, sql: (f) => `UPDATE task_history SET changed_by = ${MISSING} WHERE id = ${f.taskHistoryId}` },
  { constraint: 'librarian_assistant_assistant_id_fk', code: FK, sql: (f) => `UPDATE librarian_assistant SET assistant_id = ${MISSING} WHERE id = ${f.librarianId}` },
  { constraint: 'librarian_assistant_embedding_assistant_id_fk', code: FK, sql: (f) => `UPDATE librarian_assistant SET embedding_assistant_id = ${MISSING} WHERE id = ${f.librarianId}` },
  { constraint: 'conversations_created_by_fk', code: FK, sql: (f) => `UPDATE conversations SET created_by = ${MISSING} WHERE id = ${f.conversationId}` },
  { constraint: 'messages_conversation_id_fk', code: FK, sql: (f) => `UPDATE messages SET conversation_id = ${MISSING} WHERE id = ${f.messageId}` },
  { constraint: 'discussion_participants_discussion_id_fk', code: FK, sql: (f) => `UPDATE discussion_participants SET discussion_id = ${MISSING} WHERE id = ${f.participantId}` },
  { constraint: 'discussion_participants_assistant_id_fk', code: FK, sql: (f) => `UPDATE discussion_participants SET assistant_id = ${MISSING} WHERE id = ${f.participantId}` },
  { constraint: 'discussion_messages_discussion_id_fk', code: FK, sql: (f) => `UPDATE discussion_messages SET discussion_id = ${MISSING} WHERE id = ${f.discussionMessageId}` },
  { constraint: 'discussion_messages_participant_id_fk', code: FK, sql: (f) => `UPDATE discussion_messages SET participant_id = ${MISSING} WHERE id = ${f.discussionMessageId}` },
  { constraint: 'discussion_messages_parent_message_id_fk', code: FK, sql: (f) => `UPDATE discussion_messages SET parent_message_id = ${MISSING} WHERE id = ${f.discussionMessageId}` },
  { constraint: 'discussion_interruptions_discussion_id_fk', code: FK, sql: (f) => `UPDATE discussion_interruptions SET discussion_id = ${MISSING} WHERE id = ${f.interruptionId}` },
  { constraint: 'plans_assistant_id_fk', code: FK, sql: (f) => `UPDATE plans SET assistant_id = ${MISSING} WHERE id = ${f.planId}` },
  { constraint: 'plans_workflow_id_fk', code: FK, sql: (f) => `UPDATE plans SET workflow_id = ${MISSING} WHERE id = ${f.planId}` },
  { constraint: 'plan_approvals_plan_id_fk', code: FK, sql: (f) => `UPDATE plan_approvals SET plan_id = ${MISSING} WHERE id = ${f.planApprovalId}` },
  { constraint: 'plan_versions_plan_id_fk', code: FK, sql: (f) => `UPDATE plan_versions SET plan_id = ${MISSING} WHERE id = ${f.planVersionId}` },
  { constraint: 'plan_versions_created_by_fk', code: FK, sql: (f) => `UPDATE plan_versions SET created_by = ${MISSING} WHERE id = ${f.planVersionId}` },
];

const uniqueCases: Case[] = [
  { constraint: 'users_username_unique', code: UNIQUE, sql: () => `INSERT INTO users (username, email, full_name) VALUES ('alice', 'other@example.invalid', 'A')` },
  { constraint: 'users_email_unique', code: UNIQUE, sql: () => `INSERT INTO users (username, email, full_name) VALUES ('bob', 'alice@example.invalid', 'B')` },
  { constraint: 'roles_name_unique', code: UNIQUE, sql: () => `INSERT INTO roles (name, category) VALUES ('admin', 'system')` },
  { constraint: 'assistant_skills_assistant_id_skill_name_unique', code: UNIQUE, sql: (f) => `INSERT INTO assistant_skills (assistant_id, skill_name, skill_level) VALUES (${f.assistantId}, 'writing', 3)` },
  { constraint: 'team_members_team_id_assistant_id_unique', code: UNIQUE, sql: (f) => `INSERT INTO team_members (team_id, assistant_id) VALUES (${f.teamId}, ${f.assistantId})` },
  { constraint: 'discussion_participants_discussion_id_assistant_id_unique', code: UNIQUE, sql: (f) => `INSERT INTO discussion_participants (discussion_id, assistant_id) VALUES (${f.discussionId}, ${f.assistantId})` },
  { constraint: 'obsidian_integration_settings_vault_path_unique', code: UNIQUE, sql: () => `INSERT INTO obsidian_integration_settings (vault_path) VALUES ('/vault')` },
  { constraint: 'plan_versions_plan_id_version_number_unique', code: UNIQUE, sql: (f) => `INSERT INTO plan_versions (plan_id, version_number, title, objective, timeline, resources) VALUES (${f.planId}, 1, 't', 'o', '{}', '{}')` },
];

const allCases = [...checkCases, ...fkCases, ...uniqueCases];

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

describe.each(testDatabaseTargets())('constraints on $kind', (target) => {
  let tdb: TestDatabase;
  let f: Fixture;

  beforeAll(async () => {
    tdb = await target.open();
    f = await insertFixture(tdb.db);
  });
  afterAll(async () => {
    await tdb?.dispose();
  });

  it('accepts a valid row in every table (the fixture) and reads it back', async () => {
    const counts = await Promise.all(
      [
        t.users, t.roles, t.personas, t.teams, t.aiAssistants, t.assistantSkills, t.teamMembers, t.workflows, t.tasks,
        t.taskHistory, t.conversations, t.messages, t.obsidianIntegrationSettings, t.librarianAssistant, t.aiDiscussions,
        t.discussionParticipants, t.discussionMessages, t.discussionInterruptions, t.plans, t.planApprovals, t.planVersions,
      ].map(async (table) => (await tdb.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n),
    );
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(1);
    const [a2] = await tdb.db.select().from(t.aiAssistants).where(sql`${t.aiAssistants.id} = ${f.assistant2Id}`);
    expect(a2?.apiKeyEncrypted).toBeNull();
    expect(a2?.aiProvider).toBe('openai_compatible');
    const [lib] = await tdb.db.select().from(t.librarianAssistant);
    expect(lib?.name).toBe('司書AI');
    expect(lib?.specialization).toEqual(['知識管理', '情報検索', 'タグ付け', 'テンプレート管理']);
    const [obs] = await tdb.db.select().from(t.obsidianIntegrationSettings);
    expect(obs?.fileExtensions).toEqual(['.md', '.txt']);
    expect(obs?.excludedFolders).toEqual([]);
    const [task] = await tdb.db.select().from(t.tasks);
    expect(task?.estimatedHours).toBe('1.50');
    const [user] = await tdb.db.select().from(t.users).where(sql`${t.users.id} = ${f.userId}`);
    expect(user?.passwordHash).toBeNull();
    expect(user?.preferences).toEqual({ theme: 'dark' });
    expect(user?.createdAt).toBeInstanceOf(Date);
  });

  it.each(allCases)('$constraint rejects a bad row ($code)', async ({ constraint, code, sql: statement }) => {
    const e = await errorOf(() => tdb.db.execute(sql.raw(statement(f))));
    expect(e, `expected ${constraint} to reject: ${statement(f)}`).toBeDefined();
    const info = pgErrorOf(e);
    expect(info).toMatchObject({ code, constraint });
  });

  it('every CHECK, FOREIGN KEY and UNIQUE constraint of the design tables has a case above', async () => {
    // The vault index tables (notes, note_links, vault_index_errors) are covered by the vault suite.
    const rows = rowsOf<{ conname: string; table_name: string }>(
      await tdb.db.execute(sql`
        SELECT c.conname, cl.relname AS table_name
        FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace
        JOIN pg_class cl ON cl.oid = c.conrelid
        WHERE n.nspname = 'public' AND c.contype IN ('c', 'f', 'u') ORDER BY c.conname`),
    );
    const inDb = rows
      .filter((r) => DESIGN_TABLES.includes(r.table_name))
      .map((r) => r.conname)
      .sort();
    const tested = allCases.map((c) => c.constraint).sort();
    expect(tested).toEqual(inDb);
    expect(new Set(tested).size).toBe(tested.length);
  });

  it('the same bad values fail on insert too (not only on update)', async () => {
    const e = await errorOf(() =>
      tdb.db.insert(t.aiAssistants).values({ name: 'x', aiProvider: 'mistral' as never, model: 'm' }),
    );
    expect(pgErrorOf(e)).toMatchObject({ code: CHECK, constraint: 'ai_assistants_ai_provider_check' });
    const e2 = await errorOf(() => tdb.db.insert(t.tasks).values({ name: 'x', taskType: 'y', workflowId: MISSING }));
    expect(pgErrorOf(e2)).toMatchObject({ code: FK, constraint: 'tasks_workflow_id_fk' });
  });
});

describe.each(testDatabaseTargets())('delete behaviour on $kind', (target) => {
  let tdb: TestDatabase;
  let f: Fixture;

  beforeAll(async () => {
    tdb = await target.open();
    f = await insertFixture(tdb.db);
  });
  afterAll(async () => {
    await tdb?.dispose();
  });

  const count = async (table: string, where = 'true') =>
    Number(rowsOf<{ n: number | string }>(await tdb.db.execute(sql.raw(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`)))[0]?.n);

  it('an assistant referenced by a discussion or a plan cannot be hard-deleted (history is kept)', async () => {
    const e = await errorOf(() => tdb.db.execute(sql.raw(`DELETE FROM ai_assistants WHERE id = ${f.assistantId}`)));
    const info = pgErrorOf(e);
    expect(info?.code).toBe(FK);
    expect(['discussion_participants_assistant_id_fk', 'plans_assistant_id_fk']).toContain(info?.constraint);
  });

  it('deleting an unreferenced assistant cascades to its skills and team memberships', async () => {
    await tdb.db.execute(sql.raw(`INSERT INTO assistant_skills (assistant_id, skill_name, skill_level) VALUES (${f.assistant2Id}, 'x', 1)`));
    await tdb.db.execute(sql.raw(`INSERT INTO team_members (team_id, assistant_id) VALUES (${f.teamId}, ${f.assistant2Id})`));
    await tdb.db.execute(sql.raw(`DELETE FROM ai_assistants WHERE id = ${f.assistant2Id}`));
    expect(await count('assistant_skills', `assistant_id = ${f.assistant2Id}`)).toBe(0);
    expect(await count('team_members', `assistant_id = ${f.assistant2Id}`)).toBe(0);
  });

  it('deleting a discussion deletes its participants, messages and interruptions', async () => {
    await tdb.db.execute(sql.raw(`DELETE FROM ai_discussions WHERE id = ${f.discussionId}`));
    expect(await count('discussion_participants')).toBe(0);
    expect(await count('discussion_messages')).toBe(0);
    expect(await count('discussion_interruptions')).toBe(0);
  });

  it('deleting a conversation deletes its messages', async () => {
    await tdb.db.execute(sql.raw(`DELETE FROM conversations WHERE id = ${f.conversationId}`));
    expect(await count('messages')).toBe(0);
  });

  it('deleting a workflow deletes its tasks, task history, plans, approvals and versions (§15.6.2)', async () => {
    await tdb.db.execute(sql.raw(`DELETE FROM workflows WHERE id = ${f.workflowId}`));
    for (const table of ['tasks', 'task_history', 'plans', 'plan_approvals', 'plan_versions']) {
      expect(await count(table), table).toBe(0);
    }
  });

  it('deleting a user keeps what they made and clears the reference; deleting a team or role clears references', async () => {
    const [w] = await tdb.db.insert(t.workflows).values({ name: 'kept', workflowType: 'x', createdBy: f.userId, assignedTeamId: f.teamId }).returning();
    await tdb.db.execute(sql.raw(`DELETE FROM users WHERE id = ${f.userId}`));
    await tdb.db.execute(sql.raw(`DELETE FROM teams WHERE id = ${f.teamId}`));
    await tdb.db.execute(sql.raw(`DELETE FROM roles WHERE id = ${f.roleId}`));
    const [after] = await tdb.db.select().from(t.workflows).where(sql`${t.workflows.id} = ${w?.id}`);
    expect(after).toMatchObject({ name: 'kept', createdBy: null, assignedTeamId: null });
    const [a] = await tdb.db.select().from(t.aiAssistants).where(sql`${t.aiAssistants.id} = ${f.assistantId}`);
    expect(a).toMatchObject({ createdBy: null, teamId: null });
    const [p] = await tdb.db.select().from(t.personas).where(sql`${t.personas.id} = ${f.personaId}`);
    expect(p?.roleId).toBeNull();
  });
});
