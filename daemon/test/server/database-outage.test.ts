/**
 * The daemon's database away while the daemon runs — real PGlite behind a connection the test cuts,
 * and real PostgreSQL whose connections for the app are killed with pg_terminate_backend while its
 * role may not log in (helpers/outage.ts): every route answers 503 database_unavailable with
 * Retry-After (never 500), the outage is logged once, health says the database is down and answers
 * quickly, a write cut off mid-way leaves nothing behind, a bad request still gets its 4xx, and
 * once the database answers again the same app serves as before.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { MemoryCacheStore } from '../../src/cache/memory';
import { taskHistory, tasks } from '../../src/db/schema';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_MESSAGE } from '../../src/server/errors';
import { workflowSummaryRefresher, type SummaryRefresher } from '../../src/workflows/summary-refresher';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { openOutage, type Outage } from '../helpers/outage';
import { VAULT_FILES } from '../librarian/helpers';
import { indexOnce, registerVaultRow, tempVault, type TempVault } from '../vault/helpers';

const api = (path: string) => `${API_PREFIX}${path}`;
const OUTAGE_WARNING = 'the database cannot be reached';

describe.each(testDatabaseTargets())('the database away on $kind', (target) => {
  let real: TestDatabase;
  let outage: Outage;
  let summary: SummaryRefresher;
  let t: TestApp;
  let vault: TempVault;
  let workflowId: number;

  beforeAll(async () => {
    real = await target.open();
    outage = await openOutage(real);
    // The view's refresh needs its owner: the test's own connection, not the app's (a role that may only read and write rows on PostgreSQL).
    summary = workflowSummaryRefresher(real.db, () => undefined);
    const dispose = async () => {
      await outage.dispose();
      await real.dispose();
    };
    t = await createTestApp({ ...outage.database, dispose }, new MemoryCacheStore(), { workflowSummary: summary });
    vault = await tempVault(VAULT_FILES);
    await indexOnce(real.db, await registerVaultRow(real.db, vault.root), vault.root);
    const created = await t.json('POST', api('/workflows'), { body: { name: 'Outage drill' } });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
  });
  afterEach(async () => {
    await outage.restore();
  });
  afterAll(async () => {
    await summary?.close();
    await t?.dispose();
    await vault?.dispose();
  });

  const warnings = () => t.logLines.map((l) => JSON.parse(l) as { level: string; message: string }).filter((l) => l.message.startsWith(OUTAGE_WARNING));
  const errors = () => t.logLines.map((l) => JSON.parse(l) as { level: string; message: string }).filter((l) => l.level === 'error');
  const taskCounts = async () => ({
    tasks: (await real.db.select({ n: count() }).from(tasks).where(eq(tasks.workflowId, workflowId)))[0]!.n,
    history: (await real.db.select({ n: count() }).from(taskHistory).innerJoin(tasks, eq(tasks.id, taskHistory.taskId)).where(eq(tasks.workflowId, workflowId)))[0]!.n,
  });

  /** A list, a write, a search and the librarian's search. */
  const requests = () => [
    { method: 'GET', path: api('/workflows'), ok: 200 },
    { method: 'GET', path: api('/roles'), ok: 200 },
    { method: 'POST', path: api(`/workflows/${workflowId}/tasks`), body: { name: 'Water the garden' }, ok: 201 },
    { method: 'GET', path: api('/search?q=garden'), ok: 200 },
    { method: 'GET', path: api(`/librarian/passages?q=${encodeURIComponent('When are the tomatoes planted in the garden?')}`), ok: 200 },
  ];

  it('answers 503 database_unavailable with Retry-After on every route, logs the outage once, and serves again once the database is back', async () => {
    const warned = warnings().length;
    const before = await taskCounts();
    await outage.cut();
    for (const r of requests()) {
      const res = await t.json(r.method, r.path, r.body ? { body: r.body } : {});
      expect(res.status, `${r.method} ${r.path}`).toBe(503);
      expect(res.body.error).toEqual({ code: 'database_unavailable', message: DATABASE_UNAVAILABLE_MESSAGE, requestId: expect.any(String) });
      expect(res.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    }
    // One warning for the whole outage, no stack trace, and no request line at error level.
    expect(warnings().slice(warned)).toEqual([expect.objectContaining({ level: 'warn' })]);
    expect(errors()).toEqual([]);
    expect(await taskCounts()).toEqual(before);

    await outage.restore();
    for (const r of requests()) {
      const res = await t.json(r.method, r.path, r.body ? { body: r.body } : {});
      expect(res.status, `${r.method} ${r.path}: ${JSON.stringify(res.body)}`).toBe(r.ok);
    }
    const search = await t.json('GET', api('/search?q=garden'));
    expect(search.body.results.map((x: { path: string }) => x.path)).toContain('Projects/Garden plan.md');
    const passages = await t.json('GET', api(`/librarian/passages?q=${encodeURIComponent('When are the tomatoes planted in the garden?')}`));
    expect(passages.body.passages[0]).toMatchObject({ path: 'Projects/Garden plan.md' });
    expect(await taskCounts()).toEqual({ tasks: before.tasks + 1, history: before.history + 1 });
  });

  it('a write cut off mid-way leaves nothing half-written, and the same write succeeds once the database is back', async () => {
    const before = await taskCounts();
    // The task row is inserted, then the connection is lost before its history row.
    let inserted = false;
    outage.cutBefore((statement) => {
      if (/^insert into "tasks"/i.test(statement)) inserted = true;
      return inserted && /^insert into "task_history"/i.test(statement);
    });
    const cut = await t.json('POST', api(`/workflows/${workflowId}/tasks`), { body: { name: 'Cut off' } });
    expect(inserted).toBe(true);
    expect(cut.status).toBe(503);
    expect(cut.body.error.code).toBe('database_unavailable');
    expect(await taskCounts()).toEqual(before);
    expect(await real.db.select().from(tasks).where(eq(tasks.name, 'Cut off'))).toEqual([]);

    await outage.restore();
    const again = await t.json('POST', api(`/workflows/${workflowId}/tasks`), { body: { name: 'Cut off' } });
    expect(again.status).toBe(201);
    expect(await taskCounts()).toEqual({ tasks: before.tasks + 1, history: before.history + 1 });
    expect(await real.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.name, 'Cut off'))).toEqual([{ id: again.body.id }]);
  });

  it('a bad request gets its 4xx as before: during the outage when the daemon can tell without the database, and after it', async () => {
    await outage.cut();
    const invalid = await t.json('POST', api(`/workflows/${workflowId}/tasks`), { body: { name: '' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation_failed');
    expect((await t.json('GET', api('/workflows/not-a-number'))).status).toBe(400);
    // Whether the workflow exists only the database knows.
    expect((await t.json('GET', api('/workflows/999999'))).status).toBe(503);

    await outage.restore();
    const missing = await t.json('GET', api('/workflows/999999'));
    expect(missing.status).toBe(404);
    const duplicate = await t.json('POST', api('/roles'), { body: { name: 'admin', category: 'x' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('already_exists');
  });

  it('health says the database is down while it is away, at once, and ok again after', async () => {
    await outage.cut();
    const started = performance.now();
    const down = await t.json('GET', api('/health'), { token: null });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ status: 'down', database: { kind: target.kind, state: 'down' }, cache: { state: 'ok' } });
    await outage.restore();
    expect((await t.json('GET', api('/health'), { token: null })).body).toMatchObject({ status: 'ok', database: { state: 'ok' } });
  });

  it('health answers within its probe timeout when the database does not answer (every connection busy), saying it is down', async () => {
    // PGlite runs one transaction at a time; the PostgreSQL pool of helpers/outage.ts holds 4 connections.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let begun = 0;
    const busy = Array.from({ length: 4 }, () =>
      outage.db.transaction(async () => {
        begun++;
        await held;
      }),
    );
    try {
      const started = performance.now();
      const res = await t.json('GET', api('/health'), { token: null });
      const took = performance.now() - started;
      expect(begun).toBe(target.kind === 'pglite' ? 1 : 4);
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(2000);
      expect(res.body).toMatchObject({ status: 'down', database: { state: 'down' } });
    } finally {
      release();
      await Promise.all(busy);
    }
    expect((await t.json('GET', api('/health'), { token: null })).body).toMatchObject({ status: 'ok', database: { state: 'ok' } });
  });
});

describe('a closed PGlite (the daemon closing its database while requests arrive)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await testDatabaseTargets()[0]!.open());
  });
  afterAll(async () => t?.dispose());

  it('answers 503 database_unavailable, and health says the database is down', async () => {
    expect((await t.json('GET', api('/roles'))).status).toBe(200);
    await t.database.close();
    const res = await t.json('GET', api('/roles'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('database_unavailable');
    expect(res.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect((await t.json('GET', api('/health'), { token: null })).body).toMatchObject({ status: 'down', database: { kind: 'pglite', state: 'down' } });
    expect(t.logLines.some((l) => l.includes('"level":"error"'))).toBe(false);
  });
});
