/**
 * Discussions over real HTTP: one whole discussion with the REAL provider code against the
 * protocol server (OpenAI-compatible wire, structured output streamed), watched through the event
 * stream of the daemon's app served on a socket; and every bad input answered with a clear 4xx.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discussionNoteSchema, discussionSchema } from '../../../shared/contracts/discussions';
import { defaultModelFactory } from '../../src/ai/assistants';
import { secretBox } from '../../src/ai/secrets';
import { MemoryCacheStore } from '../../src/cache/memory';
import { discussionMessages } from '../../src/db/schema';
import { DiscussionEngine, type EngineCheckpoints } from '../../src/discussions/engine';
import { VectorCache } from '../../src/librarian/vectors';
import { ensureLocalUser } from '../../src/db/local-user';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../ai/protocol-server';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { createVault } from '../search/fixtures';
import { api, createHarness, gate, holdBeforeStep, parseSse, say, type Harness } from './harness';

describe.each(testDatabaseTargets())('discussions over HTTP on $kind', (target) => {
  describe('a whole discussion through the provider protocol server, watched over SSE', () => {
    let database: TestDatabase;
    let provider: ProtocolServer;
    let server: ServedTestApp;
    let engine: DiscussionEngine;
    let base: string;
    const checkpoints: EngineCheckpoints = {};
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

    beforeAll(async () => {
      database = await target.open();
      provider = await startProtocolServer();
      const localUserId = await ensureLocalUser(database.db);
      const cache = new MemoryCacheStore();
      const secrets = secretBox(randomBytes(32));
      const log = () => undefined;
      engine = new DiscussionEngine({ db: database.db, cache, models: defaultModelFactory(log), secrets, vectors: new VectorCache(database.db), log, localUserId, checkpoints: { beforeStep: (id, s) => checkpoints.beforeStep?.(id, s) } });
      server = await serveTestApp(database, { cache, secrets, discussions: engine });
      base = server.api;
    });
    afterEach(() => provider.verify());
    afterAll(async () => {
      engine?.kill();
      await server?.close();
      await provider?.close();
      await database?.dispose();
    });

    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };

    /** One structured reply on the OpenAI wire, its JSON cut in three pieces. */
    const reply = (object: unknown, check?: (content: string) => void) => {
      const json = JSON.stringify(object);
      const cut = [json.slice(0, 20), json.slice(20, 45), json.slice(45)];
      return {
        expect: 'POST /v1/chat/completions',
        check: (r: { body: { stream: boolean; response_format?: { type: string }; messages: Array<{ role: string; content: string }> } }) => {
          expect(r.body.stream).toBe(true);
          expect(r.body.response_format?.type).toBe('json_schema');
          check?.(r.body.messages.at(-1)!.content);
        },
        reply: { sse: openaiWire.stream(cut) },
      };
    };
    const turn = (content: string, extra: Record<string, unknown> = {}) => ({ message_type: 'contribution', content, reasoning: 'because', confidence: 6, references: [], reply_to: null, forms_consensus: false, ...extra });

    it('runs to consensus with the real SDK model; the stream carries state, each turn as it streams, and each stored message', async () => {
      const assistant = async (name: string) => (await post('/assistants', { name, provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${provider.url}/v1` } })).body.id as number;
      const [m, a, b] = [await assistant('Mod'), await assistant('Ann'), await assistant('Bob')];
      provider.script(
        reply(turn('ようこそ。リモートワークの方針を決めましょう。'), (c) => expect(c).toContain('Open the discussion')),
        reply(turn('週二日の出社を提案します。', { message_type: 'proposal' })),
        reply(turn('賛成です。コアタイムも決めましょう。', { message_type: 'agreement', forms_consensus: true }), (c) => expect(c).toContain('週二日の出社を提案します。')),
        reply({ summary: '週二日出社で合意。', open_points: [], progress: 1, reached: true }),
      );
      const start = gate();
      let held = false;
      checkpoints.beforeStep = async () => {
        if (held) return;
        held = true;
        await start.promise;
      };
      const created = await post('/discussions', {
        title: 'リモートワーク',
        topic: 'リモートワークの方針',
        type: 'collaborative',
        participants: [
          { assistantId: m, role: 'moderator' },
          { assistantId: a, role: 'participant' },
          { assistantId: b, role: 'participant' },
        ],
        settings: { maxRounds: 2, consultVault: false, language: 'ja' },
      });
      expect(created.status).toBe(201);
      const d = discussionSchema.parse(created.body);

      const res = await fetch(`${base}/discussions/${d.id}/events`, { headers });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      const decoder = new TextDecoder();
      // The first event (the state) is there before the engine takes a step.
      while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true });
      start.open();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const events = parseSse(text);
      expect(events[0]!.event).toBe('state');
      expect(events[0]!.data.state).toMatchObject({ discussionId: d.id, status: 'active', round: 0 });
      const last = events.at(-1)!;
      expect(last.event).toBe('discussion');
      expect(last.data.discussion).toMatchObject({ status: 'completed', stopReason: 'consensus', consensusReached: true, consensusSummary: '週二日出社で合意。' });

      // Each turn: `turn`, its text in deltas, then the stored message with exactly that text.
      const stored = await database.db.select().from(discussionMessages).where(eq(discussionMessages.discussionId, d.id)).orderBy(discussionMessages.id);
      expect(stored.map((x) => x.content)).toEqual(['ようこそ。リモートワークの方針を決めましょう。', '週二日の出社を提案します。', '賛成です。コアタイムも決めましょう。', '週二日出社で合意。']);
      const messages = events.filter((e) => e.event === 'message').map((e) => e.data.message);
      expect(messages.map((x) => x.id)).toEqual(stored.map((x) => x.id));
      for (const msg of messages) {
        const index = events.findIndex((e) => e.event === 'message' && e.data.message.id === msg.id);
        const turnEvent = events.slice(0, index).reverse().find((e) => e.event === 'turn')!;
        const streamed = events.slice(events.indexOf(turnEvent), index).filter((e) => e.event === 'delta' && e.data.turnId === turnEvent.data.turn.turnId);
        expect(streamed.length).toBeGreaterThan(0);
        expect(streamed.map((e) => e.data.text).join('')).toBe(msg.content);
      }
      expect(messages[1]).toMatchObject({ messageType: 'proposal', confidence: 6, reasoning: 'because', parentMessageId: stored[0]!.id });
      // The live state went thinking → speaking for a speaker.
      const states = events.filter((e) => e.event === 'state').map((e) => e.data.state);
      expect(states.some((s) => s.participants.some((p: { state: string }) => p.state === 'speaking'))).toBe(true);
      expect(states.at(-1)).toMatchObject({ status: 'completed', running: false });

      // Usage from the wire (11 in, 7 out per call) is kept on the discussion and the assistants.
      const done = discussionSchema.parse((await (await fetch(`${base}/discussions/${d.id}`, { headers })).json()));
      expect(done.tokensUsed).toBe(4 * 18);
      const mod = await (await fetch(`${base}/assistants/${m}`, { headers })).json();
      expect(mod.tokenUsage).toEqual({ inputTokens: 22, outputTokens: 14, totalTokens: 36 });
      expect(mod.usageCount).toBe(2);

      // The note export renders the same discussion.
      const note = discussionNoteSchema.parse(await (await fetch(`${base}/discussions/${d.id}/note`, { headers })).json());
      expect(note.fileName).toBe('協議 - リモートワーク.md');
      expect(note.markdown).toContain('# リモートワーク');
      expect(note.markdown).toContain('週二日出社で合意。');
      expect(note.markdown).toContain('```mermaid');
      expect(note.data.messages).toHaveLength(4);
      const english = discussionNoteSchema.parse(await (await fetch(`${base}/discussions/${d.id}/note?language=en`, { headers })).json());
      expect(english.fileName).toBe('Discussion - リモートワーク.md');
      expect(english.markdown).toContain('## Transcript');
    });
  });

  describe('bad input', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(await target.open(), new MemoryCacheStore());
    });
    afterEach(() => h.verify());
    afterAll(async () => h?.dispose());

    const create = (body: Record<string, unknown>) => {
      const { moderator, a, b } = h.assistants;
      return h.t.json('POST', api('/discussions'), {
        body: {
          title: 'T',
          topic: 'Topic',
          type: 'collaborative',
          participants: [
            { assistantId: moderator, role: 'moderator' },
            { assistantId: a, role: 'participant' },
            { assistantId: b, role: 'participant' },
          ],
          settings: { consultVault: false },
          ...body,
        },
      });
    };

    it('refuses discussions that cannot run, saying what to fix', async () => {
      const { moderator, a, b, c, observer } = h.assistants;
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: observer, role: 'observer' }] }, 400, 'a discussion needs at least two speakers'],
        [{ participants: [{ assistantId: a }, { assistantId: b }] }, 400, 'name exactly one moderator'],
        [{ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: a, role: 'moderator' }, { assistantId: b }] }, 400, 'found 2'],
        [{ type: 'debate', participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: a }] }, 400, 'a debate needs at least two participants'],
        [{ maxParticipants: 2 }, 400, '3 participants are more than maxParticipants (2)'],
        [{ maxParticipants: 11 }, 400, 'maxParticipants must be at most 10'],
        [{ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: a }, { assistantId: a }] }, 400, 'assistant'],
        [{ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: a }, { assistantId: 987_654 }] }, 400, 'No assistant 987654'],
        [{ participants: [{ assistantId: moderator, role: 'boss' }, { assistantId: a }] }, 400, 'role must be one of moderator, participant, observer'],
        [{ topic: '   ' }, 400, 'topic must not be empty'],
        [{ topic: 'x'.repeat(101) }, 400, 'topic must be at most 100 characters'],
        [{ title: '' }, 400, 'title must not be empty'],
        [{ type: 'chat' }, 400, 'type must be one of collaborative, debate, brainstorming, problem_solving'],
        [{ settings: { maxRounds: 0 } }, 400, 'maxRounds must be at least 1'],
        [{ settings: { tokenBudget: 0 } }, 400, 'tokenBudget must be at least 1'],
        [{ settings: { maxRounds: 1.5 } }, 400, 'maxRounds must be a whole number'],
        [{ settings: { language: 'fr' } }, 400, 'language must be ja or en'],
        [{ settings: { verbose: true } }, 400, 'Unrecognized key'],
        [{ colour: 'red' }, 400, 'Unrecognized key'],
        [{ settings: { consultVault: true, vaultId: 424_242 } }, 400, 'No vault 424242'],
      ];
      for (const [body, status, text] of cases) {
        const r = await create(body);
        expect(r.status, JSON.stringify(body)).toBe(status);
        expect(r.body.error.message, JSON.stringify(body)).toContain(text);
      }
      expect((await h.t.json('POST', api('/discussions'), { rawBody: '{"title":' })).status).toBe(400);

      // Inactive and unconfigured assistants: 409 with what to do.
      await h.t.json('PATCH', api(`/assistants/${c}`), { body: { isActive: false } });
      const inactive = await create({ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: c }] });
      expect(inactive.status).toBe(409);
      expect(inactive.body.error).toMatchObject({ code: 'assistant_inactive', details: { assistantIds: [c] } });
      expect(inactive.body.error.message).toContain('"Gamma" is inactive; activate it');
      await h.t.json('PATCH', api(`/assistants/${c}`), { body: { isActive: true } });
      const keyless = (await h.t.json('POST', api('/assistants'), { body: { name: 'NoKey', provider: 'claude', model: 'claude-sonnet-4-5' } })).body.id;
      const unconfigured = await create({ participants: [{ assistantId: moderator, role: 'moderator' }, { assistantId: keyless }] });
      expect(unconfigured.status).toBe(409);
      expect(unconfigured.body.error).toMatchObject({ code: 'assistant_not_configured' });
      expect(unconfigured.body.error.message).toBe('Anthropic には API キーが必要です。アシスタント「NoKey」にキーを設定してください。');

      // Consulting "the" vault when there are several needs a choice.
      await createVault(h.t.database.db);
      await createVault(h.t.database.db);
      const vague = await create({ settings: { consultVault: true } });
      expect(vague.status).toBe(400);
      expect(vague.body.error).toMatchObject({ code: 'vault_required' });

      // Nothing was created by any refused request.
      expect((await h.t.json('GET', api('/discussions'))).body.total).toBe(0);
    });

    it('refuses bad paths and queries, answers 404 for unknown discussions, and deletes only what is not running', async () => {
      for (const [path, status, text] of [
        ['/discussions/abc', 400, 'id must be a number'],
        ['/discussions/0', 400, 'id must be positive'],
        ['/discussions/4040', 404, 'Discussion 4040 not found'],
        ['/discussions?status=open', 400, 'status must be one of active, paused, completed, terminated'],
        ['/discussions?type=chat', 400, 'type must be one of'],
        ['/discussions?limit=0', 400, 'limit'],
        ['/discussions/4040/messages', 404, 'not found'],
        ['/discussions/4040/state', 404, 'not found'],
        ['/discussions/4040/events', 404, 'not found'],
        ['/discussions/4040/note', 404, 'not found'],
        ['/discussions/1/note?language=de', 400, 'language must be ja or en'],
        ['/discussions/1/messages?afterId=x', 400, 'afterId must be a number'],
      ] as const) {
        const r = await h.t.json('GET', api(path));
        expect(r.status, path).toBe(status);
        expect(r.body.error.message, path).toContain(text);
      }

      h.model.script(say(h.assistants.moderator, 'Open.'));
      const hold = holdBeforeStep(h, 1);
      const d = await h.create({ type: 'collaborative' });
      await hold.reached;
      const running = await h.t.json('DELETE', api(`/discussions/${d.id}`));
      expect(running.status).toBe(409);
      expect(running.body.error).toMatchObject({ code: 'discussion_running', details: { allowedActions: ['pause', 'redirect', 'clarify', 'terminate'] } });
      await h.t.json('POST', api(`/discussions/${d.id}/interruptions`), { body: { type: 'pause' } });
      hold.release();
      await h.engine.settled(d.id);
      expect((await h.t.json('GET', api(`/discussions?status=paused`))).body.items.map((x: { id: number }) => x.id)).toEqual([d.id]);
      expect((await h.t.json('DELETE', api(`/discussions/${d.id}`))).status).toBe(204);
      expect((await h.t.json('GET', api(`/discussions/${d.id}`))).status).toBe(404);
      expect((await h.t.json('POST', api(`/discussions/${d.id}/interruptions`), { body: { type: 'resume' } })).status).toBe(404);
    });
  });
});
