/**
 * Semantic search's settings and background embedder against a real database and the real
 * embedding client talking to the protocol server, which answers scripted vectors per text and
 * fails on any request it was not scripted for.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingModel } from '../../src/ai/embedding';
import { secretBox } from '../../src/ai/secrets';
import { MemoryCacheStore } from '../../src/cache/memory';
import { chunkNote } from '../../src/librarian/chunks';
import { Embedder } from '../../src/librarian/embedder';
import { VectorCache } from '../../src/librarian/vectors';
import { rows } from '../../src/search/search';
import { VaultIndexer } from '../../src/vault/indexer';
import { VaultService } from '../../src/vault/service';
import { FakeWatcher } from '../../src/vault/watcher';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply, type Step } from '../ai/protocol-server';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { eventually, registerVaultRow, tempVault, type TempVault } from '../vault/helpers';
import { api, embedderApp, VAULT_FILES } from './helpers';

// A long timeout: the protocol server shares the event loop with PGlite, and a held reply must not time out on a busy machine.
const FAST = { timeoutMs: 10_000, maxRetries: 0, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 };

/** The scripted vectors: a direction per subject, so the tests know which note is nearest. */
export function vectorOf(text: string): number[] {
  if (/curry|カレー/i.test(text)) return [1, 0, 0, 0];
  if (/garden|water/i.test(text)) return [0, 1, 0, 0];
  if (/会議|議事/.test(text)) return [0, 0, 1, 0];
  return [0, 0, 0, 1];
}

/** One `/v1/embeddings` call answering each text with its scripted vector; `count` texts expected. */
export const embedStep = (count?: number, seen?: string[][]) => ({
  expect: 'POST /v1/embeddings',
  reply: (r: Received): Reply => {
    const input: string[] = r.body.input;
    if (count !== undefined) expect(input).toHaveLength(count);
    seen?.push(input);
    return { json: embeddingWire.openai(input.map(vectorOf), input.length * 10) };
  },
});

describe.each(testDatabaseTargets())('semantic search embedder on $kind', (target) => {
  let t: TestApp;
  let server: ProtocolServer;
  let vault: TempVault;
  let vaultId: number;
  let embedder: Embedder;
  let openaiId: number;

  const reindex = async () => {
    const indexer = new VaultIndexer({ db: t.database.db, vaultId, root: vault.root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: new FakeWatcher().watch });
    await indexer.start();
    await indexer.idle();
    await indexer.stop();
  };
  const stored = () =>
    rows<{ path: string; chunk_index: number; heading: string | null; model: string; dimensions: number; content_hash: string }>(
      t.database.db,
      sql`SELECT n.path, e.chunk_index, e.heading, e.model, e.dimensions, e.content_hash FROM note_embeddings e JOIN notes n ON n.id = e.note_id WHERE e.vault_id = ${vaultId} ORDER BY n.path, e.chunk_index`,
    );
  const status = async () => (await t.json('GET', api(`/librarian/embeddings?vault=${vaultId}`))).body;

  beforeAll(async () => {
    server = await startProtocolServer();
    ({ t, embedder } = await embedderApp(await target.open(), { policy: FAST, batchSize: 4, backoffMs: { base: 200, max: 400 } }));
    vault = await tempVault(VAULT_FILES);
    vaultId = await registerVaultRow(t.database.db, vault.root);
    await reindex();
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
    const a = await t.json('POST', api('/assistants'), { body: { name: 'Embedder', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-embed-test-key-1234', settings: { baseUrl: `${server.url}/v1` } } });
    expect(a.status).toBe(201);
    openaiId = a.body.id;
  });
  afterEach(() => server.verify());
  afterAll(async () => {
    await embedder?.stop();
    await t?.dispose();
    await vault?.dispose();
    await server?.close();
  });

  it('refuses to turn it on with an assistant that cannot embed, saying why (4xx), and starts off', async () => {
    const initial = await t.json('GET', api('/librarian'));
    expect(initial.body.semantic).toMatchObject({ enabled: false, assistantId: null, model: null, problem: 'no_assistant' });

    const claude = await t.json('POST', api('/assistants'), { body: { name: 'Claude', provider: 'claude', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-test-0000' } });
    const local = await t.json('POST', api('/assistants'), { body: { name: 'Ollama', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${server.url}/v1` } } });

    const r1 = await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true, assistantId: claude.body.id } } });
    expect(r1.status).toBe(400);
    expect(r1.body.error).toMatchObject({ code: 'embedding_unavailable', details: { problem: 'cannot_embed' } });
    expect(r1.body.error.message).toMatch(/Anthropic has no embedding models/);

    const r2 = await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true, assistantId: local.body.id } } });
    expect(r2.status).toBe(400);
    expect(r2.body.error.details.problem).toBe('model_required');
    expect(r2.body.error.message).toMatch(/bge-m3/);

    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true } } })).body.error.details.problem).toBe('no_assistant');
    const r4 = await t.json('PATCH', api('/librarian'), { body: { semantic: { assistantId: 999_999 } } });
    expect(r4.status).toBe(400);
    expect(r4.body.error.code).toBe('unknown_reference');
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: 'yes' } } })).status).toBe(400);

    // Nothing was stored by the refused requests; choosing without enabling is fine.
    const chosen = await t.json('PATCH', api('/librarian'), { body: { semantic: { assistantId: local.body.id, model: 'bge-m3' } } });
    expect(chosen.status).toBe(200);
    expect(chosen.body.semantic).toMatchObject({ enabled: false, assistantId: local.body.id, model: 'bge-m3', defaultModel: null, problem: null });
    expect(await stored()).toEqual([]);
    expect(await status()).toMatchObject({ enabled: false, model: null, notes: 7, embeddedNotes: 0, chunks: 0, running: false, lastError: null });
  });

  it('embeds every section in batches once turned on, and the status counts them', async () => {
    const seen: string[][] = [];
    server.script(embedStep(4, seen), embedStep(4, seen), embedStep(2, seen));
    const on = await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true, assistantId: openaiId, model: null } } });
    expect(on.status).toBe(200);
    expect(on.body.semantic).toMatchObject({ enabled: true, assistantId: openaiId, model: null, defaultModel: 'text-embedding-3-small', problem: null });
    await embedder.idle(vaultId);
    const list = await stored();
    expect(list.map((r) => `${r.path}#${r.chunk_index}:${r.heading ?? ''}`)).toEqual([
      'Notes/Zettelkasten.md#0:',
      'Projects/Garden plan.md#0:',
      'Projects/Watering schedule.md#0:',
      'Recipes/Curry.md#0:',
      'Recipes/Curry.md#1:Spices',
      'Recipes/Curry.md#2:Serving',
      'Templates/Daily.md#0:',
      'Templates/Meetings/Minutes.md#0:{{title}} — {{date:YYYY年M月D日}}',
      '日記/定例会議.md#0:定例会議',
      '日記/定例会議.md#1:次回の予定',
    ]);
    expect(new Set(list.map((r) => `${r.model}/${r.dimensions}`))).toEqual(new Set(['openai:text-embedding-3-small@512/4']));
    // Each text carries the note's title and its heading path.
    expect(seen.flat()).toContain('Curry › Spices\n\nAdd garam masala at the very end, after the heat is off.');
    expect(seen.flat()).toContain('定例会議 › 定例会議 › 次回の予定\n\n次回の定例会議は金曜日の午後。議題は予算案の確認。');
    expect(await status()).toMatchObject({ enabled: true, model: 'openai:text-embedding-3-small@512', notes: 7, embeddedNotes: 7, chunks: 10, running: false, tokens: 100, lastError: null });
  });

  it('an edit embeds only the sections it changed; a run with nothing changed calls nothing', async () => {
    const before = await stored();
    await vault.write('Recipes/Curry.md', VAULT_FILES['Recipes/Curry.md']!.replace('Serve with rice and pickles.', 'Serve with naan.'));
    await reindex();
    server.script(embedStep(1));
    embedder.kick(vaultId);
    await embedder.idle(vaultId);
    const after = await stored();
    const changed = after.filter((r) => !before.some((b) => b.path === r.path && b.chunk_index === r.chunk_index && b.content_hash === r.content_hash));
    expect(changed.map((r) => `${r.path}#${r.heading}`)).toEqual(['Recipes/Curry.md#Serving']);
    embedder.kick(vaultId);
    await embedder.idle(vaultId); // no step scripted: any request fails verify()
  });

  it('a deleted note leaves no vector (cascade); a new note is embedded', async () => {
    await vault.remove('Notes/Zettelkasten.md');
    await vault.write('Recipes/Curry rice.md', 'Curry on rice, the quick way.\n');
    await reindex();
    server.script(embedStep(1));
    embedder.kick(vaultId);
    await embedder.idle(vaultId);
    const paths = (await stored()).map((r) => r.path);
    expect(paths).not.toContain('Notes/Zettelkasten.md');
    expect(paths).toContain('Recipes/Curry rice.md');
    expect(await status()).toMatchObject({ notes: 7, embeddedNotes: 7, chunks: 10 });
  });

  it('a 429 waits and tries again; a 401 stops with one clear sentence; the lexical search still works', async () => {
    await vault.write('Projects/Seeds.md', 'Garden seeds to buy: basil, parsley.\n');
    await reindex();
    // The retry comes after the back-off and its answer takes a second: the status says why meanwhile.
    const slow = { ...embedStep(1), reply: (r: Received): Reply => ({ ...(embedStep(1).reply(r) as object), delayMs: 1_000 }) as Reply };
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 429, json: openaiWire.error('Rate limit reached', 'rate_limit_exceeded') } }, slow);
    embedder.kick(vaultId);
    await eventually(async () => (await status()).lastError?.code === 'rate_limited', 'the rate limit reported');
    const waiting = await status();
    expect(waiting.running).toBe(true);
    expect(waiting.lastError.message).toMatch(/OpenAI \(text-embedding-3-small\).*(rate|limit)/i);
    await embedder.idle(vaultId);
    expect(await status()).toMatchObject({ running: false, lastError: null, embeddedNotes: 8 });

    await vault.write('Projects/Seeds.md', 'Garden seeds to buy: basil, parsley, dill.\n');
    await reindex();
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided: sk-embed-test-key-1234') } });
    embedder.kick(vaultId);
    await embedder.idle(vaultId);
    const failed = await status();
    expect(failed).toMatchObject({ running: false, embeddedNotes: 7, lastError: { code: 'unauthorized' } });
    expect(failed.lastError.message).toMatch(/key/i);
    expect(failed.lastError.message).not.toContain('sk-embed-test-key-1234');
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'ja' } })).status).toBe(200);
    expect((await status()).lastError.message).toMatch(/キー/);
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
    // The question's embedding is refused the same way: the passages are the lexical search's.
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided') } });
    const lexical = await t.json('GET', api(`/librarian/passages?vault=${vaultId}&q=${encodeURIComponent('What is the plan for the vegetable garden?')}`));
    expect(lexical.status).toBe(200);
    expect(lexical.body.semantic.status).toBe('failed');
    expect(lexical.body.passages[0].path).toBe('Projects/Garden plan.md');
  });

  it('changing the model embeds everything again and drops the old vectors', async () => {
    server.script(embedStep(4), embedStep(4), embedStep(3));
    const r = await t.json('PATCH', api('/librarian'), { body: { semantic: { model: 'text-embedding-3-large' } } });
    expect(r.status).toBe(200);
    await embedder.idle(vaultId);
    const list = await stored();
    expect(new Set(list.map((x) => x.model))).toEqual(new Set(['openai:text-embedding-3-large']));
    expect(await status()).toMatchObject({ model: 'openai:text-embedding-3-large', notes: 8, embeddedNotes: 8, chunks: 11, lastError: null });
  });

  it('turning it off stops embedding: changes are not sent anywhere', async () => {
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: false } } })).status).toBe(200);
    await vault.write('Projects/Seeds.md', 'Garden seeds to buy: basil.\n');
    await reindex();
    embedder.kick(vaultId);
    await embedder.idle(vaultId);
    expect(await status()).toMatchObject({ enabled: false, model: null, chunks: 0 });
  });
});

/** The characters a local model takes in these tests (its context, as a server sees it). */
const LIMIT = 200;
const LONG_FILES: Record<string, string> = {
  'A curry.md': 'Curry with rice and pickles.\n',
  'B method.md': `# Method\n\n${'Stir the curry slowly and taste it. '.repeat(9)}\n`,
  'C 日記.md': `# 概要\n\n会議の短い概要。\n\n# 記録\n\n${'議事録の本文が続く。'.repeat(200)}\n`,
  'D garden.md': 'Water the garden in the morning.\n',
};
/** A section refused whole and taken at half its length. */
const E_LONG = `# Notes\n\n${'A long paragraph about the garden. '.repeat(8)}\n`;

describe.each(testDatabaseTargets())('sections a local model refuses on $kind', (target) => {
  let t: TestApp;
  let server: ProtocolServer;
  let vault: TempVault;
  let vaultId: number;
  let embedder: Embedder;
  const seen: string[][] = [];

  const reindex = async () => {
    const indexer = new VaultIndexer({ db: t.database.db, vaultId, root: vault.root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: new FakeWatcher().watch });
    await indexer.start();
    await indexer.idle();
    await indexer.stop();
  };
  const run = async () => {
    embedder.kick(vaultId);
    await embedder.idle(vaultId);
  };
  /** The chunk texts of a note as written now, by name: `C1` is the second section of "C 日記.md". */
  const chunkTexts = (files: Record<string, string>) =>
    new Map(Object.entries(files).flatMap(([path, body]) => chunkNote(path.replace(/\.md$/, ''), body).map((c) => [`${path[0]}${c.index}`, c] as const)));
  /** What the server received, each text named by its chunk (and `/2`, `/4` when shortened). */
  const named = (files: Record<string, string>) => {
    const chunks = [...chunkTexts(files)];
    return seen.map((list) =>
      list.map((text) => {
        const whole = chunks.find(([, c]) => c.text === text);
        if (whole) return whole[0];
        const part = chunks.find(([, c]) => c.text.startsWith(text));
        return part ? `${part[0]}/${Math.round(part[1].text.length / text.length)}` : text;
      }),
    );
  };
  /** `n` calls of a local server that refuses, the way OpenAI words it, any call holding a text longer than `limit` characters. */
  const limited = (n: number, limit = LIMIT): Step[] =>
    Array.from({ length: n }, () => ({
      expect: 'POST /v1/embeddings',
      reply: (r: Received): Reply => {
        const input: string[] = r.body.input;
        seen.push(input);
        const long = input.find((x) => x.length > limit);
        if (long) return { status: 400, json: openaiWire.error(`This model's maximum context length is 512 tokens, however you requested ${long.length * 3} tokens (${long.length * 3} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`) };
        return { json: embeddingWire.openai(input.map(vectorOf), input.length * 10) };
      },
    }));
  const stored = () =>
    rows<{ path: string; chunk_index: number; heading: string | null; content_hash: string }>(
      t.database.db,
      sql`SELECT n.path, e.chunk_index, e.heading, e.content_hash FROM note_embeddings e JOIN notes n ON n.id = e.note_id WHERE e.vault_id = ${vaultId} ORDER BY n.path, e.chunk_index`,
    );
  const skips = () =>
    rows<{ path: string; chunk_index: number; heading: string | null }>(
      t.database.db,
      sql`SELECT n.path, s.chunk_index, s.heading FROM note_embedding_skips s JOIN notes n ON n.id = s.note_id WHERE s.vault_id = ${vaultId} ORDER BY n.path, s.chunk_index`,
    );
  const status = async () => (await t.json('GET', api(`/librarian/embeddings?vault=${vaultId}`))).body;

  beforeAll(async () => {
    server = await startProtocolServer();
    ({ t, embedder } = await embedderApp(await target.open(), { policy: FAST, batchSize: 8, backoffMs: { base: 200, max: 400 } }));
    vault = await tempVault();
    vaultId = await registerVaultRow(t.database.db, vault.root);
    // One at a time: the embedder takes notes in id order, and a folder's listing order is the file system's.
    for (const [path, text] of Object.entries(LONG_FILES)) {
      await vault.write(path, text);
      await reindex();
    }
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
    const local = await t.json('POST', api('/assistants'), { body: { name: 'Ollama', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${server.url}/v1` } } });
    expect(local.status).toBe(201);
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { assistantId: local.body.id, model: 'bge-m3' } } })).status).toBe(200);
  });
  afterEach(() => {
    seen.length = 0;
    server.verify();
  });
  afterAll(async () => {
    await embedder?.stop();
    await t?.dispose();
    await vault?.dispose();
    await server?.close();
  });

  it('stores the others, a long section shortened, and skips and reports the one refused even shortened', async () => {
    const chunks = chunkTexts(LONG_FILES);
    expect([...chunks.keys()]).toEqual(['A0', 'B0', 'C0', 'C1', 'D0']);
    expect(chunks.get('B0')!.text.length).toBeGreaterThan(LIMIT); // taken at half its length
    expect(chunks.get('C1')!.text.length / 4).toBeGreaterThan(LIMIT); // refused even at a quarter
    server.script(...limited(12));
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true } } })).status).toBe(200);
    await embedder.idle(vaultId);
    // One call of the five, halved around the long ones; each refused alone is tried at 1/2 and 1/4.
    expect(named(LONG_FILES)).toEqual([
      ['A0', 'B0', 'C0', 'C1', 'D0'],
      ['A0', 'B0', 'C0'],
      ['A0', 'B0'],
      ['A0'],
      ['B0'],
      ['B0/2'],
      ['C0'],
      ['C1', 'D0'],
      ['C1'],
      ['C1/2'],
      ['C1/4'],
      ['D0'],
    ]);
    // The shortened text is the section's start: its title, heading and first words.
    expect(seen[5]![0]).toBe(chunks.get('B0')!.text.slice(0, Math.ceil(chunks.get('B0')!.text.length / 2)).trimEnd());
    expect(seen[5]![0]).toMatch(/^B method › Method\n\nStir the curry/);

    const list = await stored();
    expect(list.map((r) => `${r.path}#${r.chunk_index}:${r.heading ?? ''}`)).toEqual(['A curry.md#0:', 'B method.md#0:Method', 'C 日記.md#0:概要', 'D garden.md#0:']);
    // Stored under the whole section's hash: the next round keeps it instead of sending it again.
    expect(list.find((r) => r.path === 'B method.md')!.content_hash).toBe(chunks.get('B0')!.hash);
    expect(await skips()).toEqual([{ path: 'C 日記.md', chunk_index: 1, heading: '記録' }]);

    const s = await status();
    expect(s).toMatchObject({ enabled: true, model: 'openai_compatible:bge-m3', notes: 4, embeddedNotes: 4, chunks: 4, skippedSections: 1, running: false, lastError: null });
    expect(s.lastSkipped).toMatchObject({ path: 'C 日記.md', heading: '記録' });
    expect(s.lastSkipped.message).toBe('The section “記録” of C 日記.md is too long for the embedding model even shortened, so semantic search leaves it out (the word search still finds it); a model with a longer context would cover it.');
    expect(Date.parse(s.lastSkipped.at)).not.toBeNaN();
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'ja' } })).status).toBe(200);
    expect((await status()).lastSkipped.message).toBe('C 日記.md のセクション「記録」は短くしても埋め込みモデルには長すぎるため、意味検索から外しました（語句での検索では見つかります）。コンテキストの長いモデルなら含められます。');
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
  });

  it('the skipped section is not sent again on the next round, but is when its note changes', async () => {
    await run(); // nothing scripted: any call fails verify()

    // An edit elsewhere in the note sends the skipped section again with the changed one.
    const edited = { ...LONG_FILES, 'C 日記.md': LONG_FILES['C 日記.md']!.replace('会議の短い概要。', '会議の新しい概要。') };
    await vault.write('C 日記.md', edited['C 日記.md']!);
    await reindex();
    server.script(...limited(5));
    await run();
    expect(named(edited)).toEqual([['C0', 'C1'], ['C0'], ['C1'], ['C1/2'], ['C1/4']]);
    expect(await skips()).toEqual([{ path: 'C 日記.md', chunk_index: 1, heading: '記録' }]);
    expect(await status()).toMatchObject({ embeddedNotes: 4, chunks: 4, skippedSections: 1 });
    server.verify();
    seen.length = 0;

    // Shortened by its author, the section fits: embedded, and nothing is reported any more.
    const short = { ...edited, 'C 日記.md': '# 概要\n\n会議の新しい概要。\n\n# 記録\n\n議事録は短くまとめた。\n' };
    await vault.write('C 日記.md', short['C 日記.md']!);
    await reindex();
    server.script(...limited(1));
    await run();
    expect(named(short)).toEqual([['C1']]);
    expect(await skips()).toEqual([]);
    expect(await status()).toMatchObject({ embeddedNotes: 4, chunks: 5, skippedSections: 0, lastSkipped: null, lastError: null });
  });

  it('a wrong key or a wrong model name still stops the run: nothing is halved, shortened or skipped', async () => {
    await vault.write('E long.md', E_LONG);
    await reindex();
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided') } });
    await run();
    expect(await status()).toMatchObject({ notes: 5, embeddedNotes: 4, skippedSections: 0, running: false, lastError: { code: 'unauthorized' } });
    server.verify();

    // The model has worked (vectors are stored), but a 400 naming the model is about the settings.
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 400, json: openaiWire.error('model "bge-m3" not found, try pulling it first') } });
    await run();
    const failed = await status();
    expect(failed).toMatchObject({ notes: 5, embeddedNotes: 4, skippedSections: 0, lastError: { code: 'bad_request' } });
    expect(failed.lastError.message).toContain('not found, try pulling it first');
    expect(await skips()).toEqual([]);
  });

  it('saving the settings tries a skipped section again: a local server whose context was raised keeps its model name', async () => {
    const files = { 'E long.md': E_LONG, 'F 長い.md': `${'長い段落。'.repeat(400)}\n` };
    await vault.write('F 長い.md', files['F 長い.md']);
    await reindex();
    server.script(...limited(6));
    await run();
    expect(named(files)).toEqual([['E0', 'F0'], ['E0'], ['E0/2'], ['F0'], ['F0/2'], ['F0/4']]);
    expect(await status()).toMatchObject({ notes: 6, embeddedNotes: 6, skippedSections: 1, lastError: null, lastSkipped: { path: 'F 長い.md', heading: null } });
    expect((await status()).lastSkipped.message).toMatch(/^The opening section of F 長い\.md is too long/);
    server.verify();
    seen.length = 0;

    // The server now takes 2,000 characters; the same model name, saved again.
    server.script(...limited(1, 2_000));
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { model: 'bge-m3' } } })).status).toBe(200);
    await embedder.idle(vaultId);
    expect(named(files)).toEqual([['F0']]);
    expect(await status()).toMatchObject({ notes: 6, embeddedNotes: 6, chunks: 7, skippedSections: 0, lastSkipped: null });
  });
});

describe.each(testDatabaseTargets())('the embedder in the daemon on $kind', (target) => {
  it('follows the vault service: a registered vault is embedded after its index run; stop() ends a call in flight at once', async () => {
    const server = await startProtocolServer();
    const database = await target.open();
    const secrets = secretBox(randomBytes(32));
    const t = await createTestApp(database, new MemoryCacheStore(), { secrets });
    const vault = await tempVault({ 'Curry.md': 'Curry with rice.\n', 'Garden.md': 'Water the garden.\n' });
    const vaults = new VaultService({ db: database.db, watch: new FakeWatcher().watch, debounceMs: 20, rootPollMs: 50 });
    const embedder = new Embedder({ db: database.db, secrets, log: () => undefined, vectors: new VectorCache(database.db), embeddings: (config) => createEmbeddingModel(config, { policy: FAST }) });
    try {
      const a = await t.json('POST', api('/assistants'), { body: { name: 'E', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-embed-test-key-5678', settings: { baseUrl: `${server.url}/v1` } } });
      expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true, assistantId: a.body.id } } })).status).toBe(200);
      await vaults.start();
      await embedder.start(vaults);
      server.script(embedStep(2));
      const { vault: view } = await vaults.register(vault.root);
      const vaultId = view.row.id;
      await eventually(async () => Number((await rows<{ n: string }>(database.db, sql`SELECT count(*) AS n FROM note_embeddings WHERE vault_id = ${vaultId}`))[0]!.n) === 2, 'both notes embedded');
      server.verify();

      // A change seen by the watcher is indexed, then embedded; the provider takes its time: stop() does not wait for it.
      server.script({ ...embedStep(1), reply: (r: Received): Reply => ({ ...(embedStep(1).reply(r) as object), delayMs: 5_000 }) as Reply });
      await vault.write('Garden.md', 'Water the garden twice a day.\n');
      await vaults.indexer(vaultId)!.reindex();
      await eventually(() => server.received.length === 1, 'the changed note sent');
      const started = Date.now();
      await embedder.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(embedder.status(vaultId)).toMatchObject({ running: false });
      expect(server.unexpected).toEqual([]);
      server.verify();
    } finally {
      await embedder.stop();
      await vaults.stop();
      await t.dispose();
      await vault.dispose();
      await server.close();
    }
  });
});
