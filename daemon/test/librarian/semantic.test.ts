/**
 * Hybrid retrieval through the API: the real embedder and the real question embedding against the
 * protocol server's scripted vectors, over a real index (PGlite, and PostgreSQL when configured).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from '../../src/librarian/embedder';
import { retrievePassages } from '../../src/librarian/retrieve';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply } from '../ai/protocol-server';
import type { TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, embedderApp, indexVault, VAULT_FILES } from './helpers';
import type { TempVault } from '../vault/helpers';

const FILES: Record<string, string> = {
  ...VAULT_FILES,
  // Shares no word with the Japanese question about hovering over a link.
  'Plugins/Page preview.md': '# Page preview\n\nHold Ctrl and point at an internal link to see the linked note in a popover.\n',
};

/** Scripted vectors: one direction per subject; an off-topic question points away from all of them. */
function vectorOf(text: string): number[] {
  if (/popover|マウスを乗せ/i.test(text)) return [0, 0, 0, 1, 0];
  if (/curry|カレー/i.test(text)) return [1, 0, 0, 0, 0];
  if (/garden|water|畑/i.test(text)) return [0, 1, 0, 0, 0];
  if (/会議|議事/.test(text)) return [0, 0, 1, 0, 0];
  if (/Australia/.test(text)) return [-1, 0, 0, 0, 0];
  return [0, 0, 0, 0, 1];
}
const embedStep = (texts?: string[]) => ({
  expect: 'POST /v1/embeddings',
  reply: (r: Received): Reply => {
    if (texts) expect(r.body.input).toEqual(texts);
    return { json: embeddingWire.openai((r.body.input as string[]).map(vectorOf)) };
  },
});

describe.each(testDatabaseTargets())('hybrid retrieval on $kind', (target) => {
  let t: TestApp;
  let server: ProtocolServer;
  let vault: TempVault;
  let vaultId: number;
  let embedder: Embedder;

  const passages = async (q: string) => {
    const r = await t.json('GET', api(`/librarian/passages?vault=${vaultId}&limit=5&q=${encodeURIComponent(q)}`));
    expect(r.status).toBe(200);
    return r.body;
  };
  const lexical = (q: string) => retrievePassages(t.database.db, { vaultId, question: q, limit: 5 });

  beforeAll(async () => {
    server = await startProtocolServer();
    ({ t, embedder } = await embedderApp(await target.open(), { policy: { maxRetries: 0 } }));
    ({ vault, vaultId } = await indexVault(t, FILES));
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
  });
  afterEach(() => server.verify());
  afterAll(async () => {
    await embedder?.stop();
    await t?.dispose();
    await vault?.dispose();
    await server?.close();
  });

  it('off: the passages are the lexical retrieval exactly, and no provider is called', async () => {
    for (const q of ['What is the plan for the vegetable garden?', 'リンクにマウスを乗せると中身が見える？']) {
      const r = await passages(q);
      const l = await lexical(q);
      expect(r.semantic).toEqual({ status: 'off', message: null });
      expect({ passages: r.passages, relevant: r.relevant }).toEqual({ passages: l.passages, relevant: l.relevant });
    }
  });

  it('on: a note whose words do not match the question comes first when its section is nearest', async () => {
    const a = await t.json('POST', api('/assistants'), { body: { name: 'Embedder', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-hybrid-0000', settings: { baseUrl: `${server.url}/v1` } } });
    server.script(embedStep());
    expect((await t.json('PATCH', api('/librarian'), { body: { semantic: { enabled: true, assistantId: a.body.id } } })).status).toBe(200);
    await embedder.idle(vaultId);
    server.verify();

    const q = 'リンクにマウスを乗せると中身が見える？';
    expect((await lexical(q)).relevant).toBe(false);
    server.script(embedStep([q]));
    const r = await passages(q);
    expect(r.semantic).toEqual({ status: 'used', message: null });
    expect(r.relevant).toBe(true);
    expect(r.passages[0]).toMatchObject({ path: 'Plugins/Page preview.md', heading: 'Page preview', source: 'semantic', text: 'Hold Ctrl and point at an internal link to see the linked note in a popover.' });
    // Sections below the cosine threshold do not come along.
    expect(r.passages).toHaveLength(1);
  });

  it('fuses with the lexical ranking: a note both find stays first', async () => {
    const q = 'What is the plan for the vegetable garden?';
    server.script(embedStep([q]));
    const r = await passages(q);
    expect(r.semantic.status).toBe('used');
    expect(r.passages[0].path).toBe('Projects/Garden plan.md');
    expect(r.passages.map((p: { path: string }) => p.path)).toContain('Projects/Watering schedule.md');
    for (let i = 1; i < r.passages.length; i++) expect(r.passages[i - 1].score).toBeGreaterThanOrEqual(r.passages[i].score);
  });

  it('a question the vault does not hold still finds nothing', async () => {
    const q = 'What is the capital city of Australia?';
    expect((await lexical(q)).relevant).toBe(false);
    server.script(embedStep([q]));
    const r = await passages(q);
    expect(r).toMatchObject({ relevant: false, passages: [], semantic: { status: 'used' } });
  });

  it('a question that cannot be embedded falls back to the lexical passages and says why', async () => {
    const q = 'What is the plan for the vegetable garden?';
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided') } });
    const r = await passages(q);
    const l = await lexical(q);
    expect(r.semantic.status).toBe('failed');
    expect(r.semantic.message).toMatch(/refused the API key/);
    expect({ passages: r.passages, relevant: r.relevant }).toEqual({ passages: l.passages, relevant: l.relevant });

    // A server error is not retried for a question (the answer should not wait): one request, then lexical.
    server.script({ expect: 'POST /v1/embeddings', reply: { status: 503, json: openaiWire.error('overloaded') } });
    expect((await passages(q)).semantic.status).toBe('failed');
  });
});
