/**
 * Discussion references with semantic search: the real embedder and the real topic embedding
 * against the protocol server's scripted vectors, over a real index (PGlite, and PostgreSQL when
 * configured). On, a note whose words the topic does not share is offered when its section is
 * nearest and can be cited; off, the references are the lexical retrieval's, with no provider call;
 * a topic that cannot be embedded (401, timeout) still runs its turns, with the lexical references.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { discussionNoteSchema } from '../../../shared/contracts/discussions';
import type { ChatRequest } from '../../src/ai/provider';
import { MemoryCacheStore } from '../../src/cache/memory';
import { findReferences, REFERENCE_EXCERPT_CHARS, REFERENCES_PER_TURN } from '../../src/discussions/references';
import { retrievePassages } from '../../src/librarian/retrieve';
import { QUESTION_TIMEOUT_MS } from '../../src/librarian/semantic';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply } from '../ai/protocol-server';
import { testDatabaseTargets } from '../helpers/databases';
import { indexVault } from '../librarian/helpers';
import type { TempVault } from '../vault/helpers';
import { api, createHarness, judge, say, type Harness } from './harness';

const FILES: Record<string, string> = {
  'Plugins/Page preview.md': '# Page preview\n\nHold Ctrl and point at an internal link to see the linked note in a popover.\n',
  'Policies/Working arrangements.md': '# Working arrangements\n\n## Office days\n\nSchedule two office days a week with your team.\n',
  'Lunch.md': 'Sandwiches on Fridays.\n',
};
/** Shares no word with "Page preview", whose meaning it is about. */
const HOVER = 'How could readers peek at a referenced document by hovering?';
/** Found by its words in "Working arrangements". */
const OFFICE = 'How should the team schedule its office days?';

/** Scripted vectors: one direction per subject; every other text points away from both. */
function vectorOf(text: string): number[] {
  if (/popover|hovering/i.test(text)) return [0, 0, 1, 0];
  if (/office days/i.test(text)) return [0, 1, 0, 0];
  return [0, 0, 0, 1];
}
const embedStep = (texts?: string[]) => ({
  expect: 'POST /v1/embeddings',
  reply: (r: Received): Reply => {
    if (texts) expect(r.body.input).toEqual(texts);
    return { json: embeddingWire.openai((r.body.input as string[]).map(vectorOf)) };
  },
});

const NOTES_HEADING = 'Vault notes that may help';
/** The prompt offers exactly one note, `path` (titled by its file name), with a passage holding `excerpt`. */
const offers = (path: string, excerpt: string) => (req: ChatRequest) => {
  const prompt = req.messages[0]!.content;
  expect(prompt).toContain(NOTES_HEADING);
  const offered = prompt.slice(prompt.indexOf(NOTES_HEADING)).split('\n').filter((l) => l.startsWith('- '));
  expect(offered).toHaveLength(1);
  expect(offered[0]!.startsWith(`- ${path} — ${path.replace(/^.*\//, '').replace(/\.md$/, '')}: `), offered[0]).toBe(true);
  expect(offered[0]).toContain(excerpt);
};
const offersNothing = (req: ChatRequest) => expect(req.messages[0]!.content).not.toContain(NOTES_HEADING);

describe.each(testDatabaseTargets())('discussion references with semantic search on $kind', (target) => {
  let h: Harness;
  let server: ProtocolServer;
  let vault: TempVault;
  let vaultId: number;
  const warnings: Array<Record<string, unknown>> = [];

  const messages = async (id: number) => (await h.t.json('GET', api(`/discussions/${id}/messages`))).body.items as Array<{ references: Array<{ path: string; title: string }>; content: string }>;
  const paths = async (id: number) => (await messages(id)).map((m) => m.references.map((r) => r.path));
  const discuss = async (topic: string) => {
    const { moderator, a } = h.assistants;
    const d = await h.create({
      type: 'collaborative',
      topic,
      participants: [
        { assistantId: moderator, role: 'moderator' },
        { assistantId: a, role: 'participant' },
      ],
      settings: { consultVault: true, vaultId, maxRounds: 1, language: 'en' },
    });
    await h.engine.settled(d.id);
    return d.id;
  };
  const setSemantic = async (semantic: Record<string, unknown>) => {
    const r = await h.t.json('PATCH', api('/librarian'), { body: { semantic } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  beforeAll(async () => {
    server = await startProtocolServer();
    h = await createHarness(await target.open(), new MemoryCacheStore(), {
      semantic: true,
      log: (level, message, extra) => {
        if (level === 'warn') warnings.push({ message, ...extra });
      },
    });
    ({ vault, vaultId } = await indexVault(h.t, FILES));
  });
  afterEach(() => {
    h.verify();
    server.verify();
    warnings.length = 0;
  });
  afterAll(async () => {
    await h?.dispose();
    await vault?.dispose();
    await server?.close();
  });

  it('off: the references are the lexical retrieval exactly, and no provider is called', async () => {
    const lexical = await retrievePassages(h.t.database.db, { vaultId, question: OFFICE, limit: REFERENCES_PER_TURN, maxPassageChars: REFERENCE_EXCERPT_CHARS });
    const found = await findReferences({ db: h.t.database.db, vectors: h.embedder!.vectors }, vaultId, OFFICE);
    expect(found).toEqual({ notes: lexical.passages.map((p) => ({ path: p.path, title: p.title, excerpt: p.text.replace(/\s+/g, ' ').trim() })), semantic: { status: 'off' } });
    expect(found.notes.map((n) => n.path)).toEqual(['Policies/Working arrangements.md']);

    // The topic about hovering shares no word with any note: nothing is offered.
    const { moderator: m, a } = h.assistants;
    h.model.script(say(m, 'Open.', { check: offersNothing }), say(a, 'A1.', { references: ['Plugins/Page preview.md'], check: offersNothing }), judge(m, { progress: 1, reached: true }));
    expect(await paths(await discuss(HOVER))).toEqual([[], [], []]);

    const office = offers('Policies/Working arrangements.md', 'Schedule two office days a week with your team.');
    h.model.script(say(m, 'Open.', { check: office }), say(a, 'A1.', { references: ['Policies/Working arrangements.md'], check: office }), judge(m, { progress: 1, reached: true, check: offersNothing }));
    expect(await paths(await discuss(OFFICE))).toEqual([[], ['Policies/Working arrangements.md'], []]);
    expect(server.received).toEqual([]);
  });

  it('on: a note found only by meaning is offered with its section and can be cited; an unoffered path is dropped', async () => {
    const a = await h.t.json('POST', api('/assistants'), { body: { name: 'Embedder', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-discussion-0000', settings: { baseUrl: `${server.url}/v1` } } });
    expect(a.status).toBe(201);
    server.script(embedStep());
    await setSemantic({ enabled: true, assistantId: a.body.id });
    await h.embedder!.idle(vaultId);
    server.verify();
    expect((await retrievePassages(h.t.database.db, { vaultId, question: HOVER })).passages).toEqual([]);

    // One embedding of the topic per turn that may cite (the opening and A's turn; the judgement cites nothing).
    server.script(embedStep([HOVER]), embedStep([HOVER]));
    const { moderator: m, a: alpha } = h.assistants;
    const preview = offers('Plugins/Page preview.md', 'Hold Ctrl and point at an internal link to see the linked note in a popover.');
    h.model.script(
      say(m, 'Open.', { references: ['Plugins/Page preview.md'], check: preview }),
      say(alpha, 'Use the page preview.', { references: ['Plugins/Page preview.md', 'Lunch.md'], check: preview }),
      judge(m, { progress: 1, reached: true, summary: 'Page preview it is.', check: offersNothing }),
    );
    const id = await discuss(HOVER);
    const list = await messages(id);
    expect(list.map((x) => x.references)).toEqual([[{ path: 'Plugins/Page preview.md', title: 'Page preview' }], [{ path: 'Plugins/Page preview.md', title: 'Page preview' }], []]);
    expect(warnings).toEqual([]);

    // The exported note links it like any other reference.
    const note = discussionNoteSchema.parse((await h.t.json('GET', api(`/discussions/${id}/note?language=en`))).body);
    expect(note.markdown).toContain('References: [[Plugins/Page preview|Page preview]]');
    expect(note.markdown).not.toContain('[[Lunch');
  });

  it('a topic that cannot be embedded (401, timeout) still runs every turn, with the lexical references', { timeout: 30_000 }, async () => {
    server.script(
      { expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided') } },
      // Longer than the question's timeout: the turn goes on without it, and is not retried.
      { expect: 'POST /v1/embeddings', reply: { delayMs: QUESTION_TIMEOUT_MS + 2_000, json: embeddingWire.openai([vectorOf(OFFICE)]) } },
    );
    const { moderator: m, a } = h.assistants;
    const office = offers('Policies/Working arrangements.md', 'Schedule two office days a week with your team.');
    h.model.script(
      say(m, 'Open.', { references: ['Policies/Working arrangements.md'], check: office }),
      say(a, 'Two days.', { references: ['Policies/Working arrangements.md'], check: office }),
      judge(m, { progress: 1, reached: true, summary: 'Two office days.' }),
    );
    const started = Date.now();
    const id = await discuss(OFFICE);
    expect(Date.now() - started).toBeLessThan(QUESTION_TIMEOUT_MS + 4_000);
    const d = (await h.t.json('GET', api(`/discussions/${id}`))).body;
    expect(d).toMatchObject({ status: 'completed', consensusReached: true });
    expect(await paths(id)).toEqual([['Policies/Working arrangements.md'], ['Policies/Working arrangements.md'], []]);
    expect(warnings.map((w) => [w.message, w.kind, w.discussionId])).toEqual([
      ['semantic search failed; lexical references only', 'unauthorized', id],
      ['semantic search failed; lexical references only', 'timeout', id],
    ]);
  });

  // Last: the engine does not run again after stop().
  it('stopping the engine cancels the topic embedding in flight instead of waiting for it', async () => {
    server.script({ expect: 'POST /v1/embeddings', reply: { delayMs: QUESTION_TIMEOUT_MS - 1_000, json: embeddingWire.openai([vectorOf(OFFICE)]) } });
    const { moderator, a } = h.assistants;
    const d = await h.create({
      type: 'collaborative',
      topic: OFFICE,
      participants: [
        { assistantId: moderator, role: 'moderator' },
        { assistantId: a, role: 'participant' },
      ],
      settings: { consultVault: true, vaultId, maxRounds: 1, language: 'en' },
    });
    await vi.waitFor(() => expect(server.received).toHaveLength(1));
    const started = Date.now();
    await h.engine.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await messages(d.id)).toEqual([]);
    // A cancel is the engine's, not semantic search failing.
    expect(warnings).toEqual([]);
  });
});
