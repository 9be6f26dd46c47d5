/** The updated_at trigger, the workflow_summary view, the local user and pgErrorOf, on every target. */
import { DrizzleQueryError, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshWorkflowSummary } from '../../src/db/database';
import { pgErrorOf } from '../../src/db/errors';
import { ensureLocalUser, LOCAL_EMAIL, LOCAL_USERNAME } from '../../src/db/local-user';
import * as t from '../../src/db/schema';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { errorOf, insertFixture, type Fixture } from './fixtures';

const FIXTURE_ROW: Record<string, keyof Fixture> = {
  users: 'userId',
  roles: 'roleId',
  personas: 'personaId',
  teams: 'teamId',
  ai_assistants: 'assistantId',
  assistant_skills: 'skillId',
  workflows: 'workflowId',
  tasks: 'taskId',
  conversations: 'conversationId',
  messages: 'messageId',
  obsidian_integration_settings: 'obsidianId',
  librarian_assistant: 'librarianId',
  ai_discussions: 'discussionId',
  discussion_messages: 'discussionMessageId',
  plans: 'planId',
  plan_approvals: 'planApprovalId',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

describe.each(testDatabaseTargets())('behaviour on $kind', (target) => {
  let tdb: TestDatabase;
  let f: Fixture;

  beforeAll(async () => {
    tdb = await target.open();
    f = await insertFixture(tdb.db);
  });
  afterAll(async () => {
    await tdb?.dispose();
  });

  const updatedAt = async (table: string, id: number): Promise<number> => {
    const rows = rowsOf<{ u: string | Date }>(
      await tdb.db.execute(sql.raw(`SELECT updated_at::text AS u FROM "${table}" WHERE id = ${id}`)),
    );
    const u = rows[0]?.u;
    if (u === undefined) throw new Error(`no row ${id} in ${table}`);
    return new Date(String(u).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).getTime();
  };

  it('updated_at changes when a row is updated in a later transaction (drizzle update)', async () => {
    const [before] = await tdb.db.select().from(t.users).where(eq(t.users.id, f.userId));
    await sleep(15);
    await tdb.db.update(t.users).set({ fullName: 'Alice B.' }).where(eq(t.users.id, f.userId));
    const [after] = await tdb.db.select().from(t.users).where(eq(t.users.id, f.userId));
    expect(after!.fullName).toBe('Alice B.');
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
    expect(after!.createdAt.getTime()).toBe(before!.createdAt.getTime());
  });

  it.each(Object.entries(FIXTURE_ROW))('the trigger on %s sets updated_at, overriding the value written', async (table, key) => {
    const id = f[key];
    const before = await updatedAt(table, id);
    await sleep(5);
    await tdb.db.execute(sql.raw(`UPDATE "${table}" SET updated_at = '2000-01-01T00:00:00Z' WHERE id = ${id}`));
    const after = await updatedAt(table, id);
    expect(after).toBeGreaterThan(before);
  });

  it('updated_at stays put within the transaction that inserted the row (CURRENT_TIMESTAMP semantics)', async () => {
    await tdb.db.transaction(async (tx) => {
      const [team] = await tx.insert(t.teams).values({ name: 'tx team' }).returning();
      await tx.update(t.teams).set({ description: 'changed' }).where(eq(t.teams.id, team!.id));
      const [again] = await tx.select().from(t.teams).where(eq(t.teams.id, team!.id));
      expect(again!.updatedAt.getTime()).toBe(team!.updatedAt.getTime());
    });
  });

  it('workflow_summary counts tasks after refreshWorkflowSummary', async () => {
    const [w] = await tdb.db.insert(t.workflows).values({ name: 'summary', workflowType: 'x', status: 'active' }).returning();
    await tdb.db.insert(t.tasks).values([
      { workflowId: w!.id, name: 'a', taskType: 'x', status: 'completed', actualHours: '2.00' },
      { workflowId: w!.id, name: 'b', taskType: 'x', status: 'completed', actualHours: '3.00' },
      { workflowId: w!.id, name: 'c', taskType: 'x', status: 'pending' },
    ]);
    const [empty] = await tdb.db.insert(t.workflows).values({ name: 'no tasks', workflowType: 'x' }).returning();

    // Not visible before a refresh: it is a materialized view.
    expect(await tdb.db.select().from(t.workflowSummary).where(eq(t.workflowSummary.id, w!.id))).toEqual([]);
    await refreshWorkflowSummary(tdb.db);
    const [row] = await tdb.db.select().from(t.workflowSummary).where(eq(t.workflowSummary.id, w!.id));
    expect(row).toMatchObject({ id: w!.id, name: 'summary', status: 'active', totalTasks: 3, completedTasks: 2 });
    expect(Number(row!.avgTaskHours)).toBeCloseTo(2.5);
    const [none] = await tdb.db.select().from(t.workflowSummary).where(eq(t.workflowSummary.id, empty!.id));
    expect(none).toMatchObject({ totalTasks: 0, completedTasks: 0, avgTaskHours: null });

    // A second refresh picks up changes.
    await tdb.db.update(t.tasks).set({ status: 'completed', actualHours: '4.00' }).where(eq(t.tasks.name, 'c'));
    await refreshWorkflowSummary(tdb.db);
    const [again] = await tdb.db.select().from(t.workflowSummary).where(eq(t.workflowSummary.id, w!.id));
    expect(again).toMatchObject({ totalTasks: 3, completedTasks: 3 });
    expect(Number(again!.avgTaskHours)).toBeCloseTo(3);
  });

  it('ensureLocalUser creates the local user once and returns the same id', async () => {
    const id1 = await ensureLocalUser(tdb.db);
    const id2 = await ensureLocalUser(tdb.db);
    const [id3, id4] = await Promise.all([ensureLocalUser(tdb.db), ensureLocalUser(tdb.db)]);
    expect(new Set([id1, id2, id3, id4]).size).toBe(1);
    const locals = await tdb.db.select().from(t.users).where(eq(t.users.username, LOCAL_USERNAME));
    expect(locals).toHaveLength(1);
    expect(locals[0]).toMatchObject({ id: id1, email: LOCAL_EMAIL, passwordHash: null, isActive: true });
    expect(locals[0]!.fullName.length).toBeGreaterThan(0);
    // Usable wherever the design records who did something.
    const [w] = await tdb.db.insert(t.workflows).values({ name: 'mine', workflowType: 'x', createdBy: id1 }).returning();
    expect(w!.createdBy).toBe(id1);
    // Brought back if it was soft-deleted.
    await tdb.db.update(t.users).set({ deletedAt: new Date(), isActive: false }).where(eq(t.users.id, id1));
    expect(await ensureLocalUser(tdb.db)).toBe(id1);
    const [restored] = await tdb.db.select().from(t.users).where(eq(t.users.id, id1));
    expect(restored).toMatchObject({ isActive: true, deletedAt: null });
  });

  it('pgErrorOf reads unique, not-null and FK violations from a DrizzleQueryError', async () => {
    const dup = await errorOf(() => tdb.db.insert(t.roles).values({ name: 'admin', category: 'x' }));
    expect(dup).toBeInstanceOf(DrizzleQueryError);
    const cause = (dup as DrizzleQueryError).cause as { constructor: { name: string } };
    expect(cause).toBeDefined();
    const info = pgErrorOf(dup);
    expect(info).toMatchObject({ code: '23505', constraint: 'roles_name_unique', table: 'roles' });
    expect(info?.detail).toMatch(/admin/);

    const nn = await errorOf(() => tdb.db.execute(sql`INSERT INTO roles (name, category) VALUES (NULL, 'x')`));
    expect(pgErrorOf(nn)).toMatchObject({ code: '23502', table: 'roles', column: 'name' });

    const fk = await errorOf(() =>
      tdb.db.insert(t.messages).values({ conversationId: 424242, senderType: 'system', content: 'x' }),
    );
    expect(pgErrorOf(fk)).toMatchObject({ code: '23503', constraint: 'messages_conversation_id_fk', table: 'messages' });

    const syntax = await errorOf(() => tdb.db.execute(sql`SELEC 1`));
    expect(pgErrorOf(syntax)?.code).toBe('42601');

    // Also on the driver's own error (no drizzle wrapper).
    expect(pgErrorOf((dup as DrizzleQueryError).cause)).toMatchObject({ code: '23505', constraint: 'roles_name_unique' });
  });

  it('a failed statement inside a transaction rolls the transaction back', async () => {
    const before = await tdb.db.select().from(t.teams);
    const e = await errorOf(() =>
      tdb.db.transaction(async (tx) => {
        await tx.insert(t.teams).values({ name: 'rolled back' });
        await tx.insert(t.teams).values({ name: 'bad', maxMembers: 0 });
      }),
    );
    expect(pgErrorOf(e)).toMatchObject({ code: '23514', constraint: 'teams_max_members_check' });
    expect(await tdb.db.select().from(t.teams)).toHaveLength(before.length);
  });
});

describe('pgErrorOf without a database', () => {
  it('returns undefined for errors that are not PostgreSQL errors', () => {
    expect(pgErrorOf(undefined)).toBeUndefined();
    expect(pgErrorOf(null)).toBeUndefined();
    expect(pgErrorOf('23505')).toBeUndefined();
    expect(pgErrorOf(new Error('boom'))).toBeUndefined();
    expect(pgErrorOf(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('follows the cause chain and ignores empty fields', () => {
    const inner = Object.assign(new Error('dup'), { code: '23505', constraint: 'x_unique', detail: '', table: 't' });
    const outer = new Error('wrapped', { cause: new Error('middle', { cause: inner }) });
    expect(pgErrorOf(outer)).toEqual({ code: '23505', constraint: 'x_unique', table: 't' });
  });
});
