/**
 * The vaults API over a real database and a real temporary vault folder (the watcher is a fake:
 * the real one is tested in test/vault/watcher.test.ts).
 */
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../src/cache/memory';
import { ensureLocalUser } from '../../src/db/local-user';
import { createApp } from '../../src/server/app';
import { VaultService } from '../../src/vault/service';
import { FakeWatcher } from '../../src/vault/watcher';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { TEST_HOST, TEST_PORT, TEST_TOKEN } from '../helpers/app';
import { eventually, tempVault, type TempVault } from '../vault/helpers';

const BINARY = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 91) % 256));

describe.each(testDatabaseTargets())('vaults API on $kind', (target) => {
  let database: TestDatabase;
  let vaults: VaultService;
  let app: ReturnType<typeof createApp>;
  let vault: TempVault | undefined;
  const cache = new MemoryCacheStore();

  const call = async (method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = { host: TEST_HOST, authorization: `Bearer ${TEST_TOKEN}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(`http://${TEST_HOST}/api/v1${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  beforeAll(async () => {
    database = await target.open();
    const localUserId = await ensureLocalUser(database.db);
    vaults = new VaultService({ db: database.db, cache, watch: new FakeWatcher().watch, debounceMs: 20, rootPollMs: 50 });
    await vaults.start();
    app = createApp({ database, cache, token: TEST_TOKEN, port: () => TEST_PORT, version: 'test', startedAt: Date.now(), localUserId, log: () => undefined, vaults });
  });
  afterAll(async () => {
    await vaults?.stop();
    await cache.close();
    await database?.dispose();
  });
  afterEach(async () => {
    await vault?.dispose();
    vault = undefined;
  });

  it('registers a vault, indexes it, lists it with status and counts; the same folder twice is one vault', async () => {
    vault = await tempVault({
      'a.md': '# A\n[[b]]',
      'b.md': '---\ncreated: {{date}}\n---\nb',
      'bin.md': BINARY,
      'Archive/old.md': 'old',
      '.obsidian/app.md': 'config',
    });
    const reg = await call('POST', '/vaults', { path: vault.root });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ path: vault.root, enabled: true, fileExtensions: ['.md'], excludedFolders: [] });
    const id = reg.body.id as number;
    await vaults.indexer(id)!.idle();

    const list = await call('GET', '/vaults');
    expect(list.status).toBe(200);
    const listed = list.body.items.find((v: { id: number }) => v.id === id);
    expect(listed).toMatchObject({ status: 'idle', notesIndexed: 3, filesFailed: 1, warnings: 1, error: null });
    expect(listed.generation).toBeGreaterThan(0);
    expect(listed.lastSyncAt).toEqual(expect.any(String));

    // Same folder, written differently (trailing slash, a symlink to it): the same vault.
    const again = await call('POST', '/vaults', { path: `${vault.root}/` });
    expect(again.body.id).toBe(id);
    const link = `${vault.root}-link`;
    await symlink(vault.root, link);
    try {
      expect((await call('POST', '/vaults', { path: link })).body.id).toBe(id);
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(link, { force: true }));
    }

    const errors = await call('GET', `/vaults/${id}/errors`);
    expect(errors.status).toBe(200);
    expect(errors.body.total).toBe(2);
    expect(errors.body.items).toEqual([
      { path: 'bin.md', severity: 'error', message: expect.stringMatching(/binary/), at: expect.any(String) },
      { path: 'b.md', severity: 'warning', message: expect.stringMatching(/YAML error/), at: expect.any(String) },
    ]);
    const onlyErrors = await call('GET', `/vaults/${id}/errors?severity=error`);
    expect(onlyErrors.body.items.map((e: { path: string }) => e.path)).toEqual(['bin.md']);

    const progress = await call('GET', `/vaults/${id}/progress`);
    expect(progress.body).toMatchObject({ vaultId: id, status: 'idle', phase: 'watching', failed: 1 });

    // Settings: exclude a folder → its notes leave the index.
    const patched = await call('PATCH', `/vaults/${id}`, { excludedFolders: ['/Archive/'], fileExtensions: ['md', '.MD'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ excludedFolders: ['Archive'], fileExtensions: ['.md'] });
    await vaults.indexer(id)!.idle();
    expect((await call('GET', `/vaults/${id}`)).body.notesIndexed).toBe(2);

    await vaults.update(id, { excludedFolders: [] });
  });

  it('refuses bad paths and bad settings with 400 and a message; unknown vaults are 404', async () => {
    vault = await tempVault({ 'file.md': 'x' });
    const missing = await call('POST', '/vaults', { path: path.join(vault.root, 'nope') });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_vault_path', message: expect.stringMatching(/does not exist/) });
    const file = await call('POST', '/vaults', { path: path.join(vault.root, 'file.md') });
    expect(file.status).toBe(400);
    expect(file.body.error.message).toMatch(/not a folder/);
    const relative = await call('POST', '/vaults', { path: 'relative/vault' });
    expect(relative.status).toBe(400);
    expect(relative.body.error.message).toMatch(/absolute/);
    expect((await call('POST', '/vaults', { path: '' })).status).toBe(400);
    expect((await call('POST', '/vaults', {})).status).toBe(400);

    const id = (await call('POST', '/vaults', { path: vault.root })).body.id as number;
    for (const bad of [{}, { fileExtensions: [] }, { fileExtensions: ['../x'] }, { excludedFolders: ['../outside'] }, { excludedFolders: ['/'] }, { enabled: 'yes' }, { unknown: 1 }]) {
      const res = await call('PATCH', `/vaults/${id}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await call('GET', '/vaults/999999')).status).toBe(404);
    expect((await call('POST', '/vaults/999999/reindex')).status).toBe(404);
    expect((await call('GET', '/vaults/999999/errors')).status).toBe(404);
    expect((await call('GET', '/vaults/abc')).status).toBe(400);
    await vaults.indexer(id)?.idle();
  });

  it('reindex re-reads every file and streams progress as Server-Sent Events', async () => {
    vault = await tempVault({ 'one.md': 'one', 'two.md': 'two', 'three.md': 'three' });
    const id = (await call('POST', '/vaults', { path: vault.root })).body.id as number;
    const indexer = vaults.indexer(id)!;
    await indexer.idle();
    const parsesBefore = indexer.parses;

    const controller = new AbortController();
    const res = await app.request(`http://${TEST_HOST}/api/v1/vaults/${id}/events`, {
      headers: { host: TEST_HOST, authorization: `Bearer ${TEST_TOKEN}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events: Array<{ id: string; event: string; data: { type: string; progress?: { status: string; indexed: number } } }> = [];
    const readEvents = async () => {
      const { value, done } = await reader.read();
      if (done) return false;
      text += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = text.indexOf('\n\n')) !== -1) {
        const block = text.slice(0, cut);
        text = text.slice(cut + 2);
        const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
        if (field('data')) events.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data')) });
      }
      return true;
    };
    await readEvents(); // the current state comes first
    expect(events[0]).toMatchObject({ id: '1', event: 'progress', data: { type: 'progress', progress: { status: 'idle' } } });

    const re = await call('POST', `/vaults/${id}/reindex`);
    expect(re.status).toBe(200);
    const finished = () => {
      const start = events.findIndex((e) => e.data.progress?.status === 'indexing');
      return start !== -1 && events.slice(start).some((e) => e.data.progress?.status === 'idle' && e.data.progress.indexed === 3);
    };
    while (!finished()) {
      if (!(await readEvents())) break;
    }
    expect(events.some((e) => e.data.progress?.status === 'indexing')).toBe(true);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(indexer.parses - parsesBefore).toBe(3);
  });

  it('a vault whose folder disappears shows status error with the reason, then recovers', async () => {
    vault = await tempVault({ 'n.md': 'n' });
    const id = (await call('POST', '/vaults', { path: vault.root })).body.id as number;
    await vaults.indexer(id)!.idle();
    const { rename } = await import('node:fs/promises');
    await rename(vault.root, `${vault.root}.moved`);
    await vaults.reindex(id);
    await eventually(async () => (await call('GET', `/vaults/${id}`)).body.status === 'error', 'error status');
    const v = (await call('GET', `/vaults/${id}`)).body;
    expect(v.error).toMatch(/does not exist/);
    expect(v.notesIndexed).toBe(1);
    await rename(`${vault.root}.moved`, vault.root);
    await eventually(async () => (await call('GET', `/vaults/${id}`)).body.status === 'idle', 'recovered');
  });
});
