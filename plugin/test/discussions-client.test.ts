/**
 * The Discussions pane's client and live session against the real daemon app, served over real
 * HTTP on 127.0.0.1: a real database (PGlite, and PostgreSQL when HISHO_TEST_PG_URL is set), the
 * real discussion engine with scripted models (fail closed), the real event stream. A discussion is
 * followed from its first token to its note, through a pause, a clarify, a dropped stream (caught up
 * without a duplicate) and a terminate; a plan drafted from a consensus, and the sentences that say
 * why one cannot be.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../../daemon/src/ai/secrets';
import { MemoryCacheStore } from '../../daemon/src/cache/memory';
import { ensureLocalUser } from '../../daemon/src/db/local-user';
import { DiscussionEngine } from '../../daemon/src/discussions/engine';
import { VectorCache } from '../../daemon/src/librarian/vectors';
import { closeAllSse } from '../../daemon/src/server/sse';
import { AiError } from '../../daemon/src/ai/errors';
import { ScriptedModel } from '../../daemon/test/ai/scripted-model';
import { heldGate, judge, say } from '../../daemon/test/discussions/harness';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../../daemon/test/helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../../daemon/test/helpers/databases';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import { DiscussionsApi } from '../src/daemon/discussions-client';
import { PlansApi } from '../src/daemon/plans-client';
import { I18n } from '../src/i18n';
import { allowedFromConflict, controlsFor } from '../src/views/discussions/controls';
import { createBody, formErrors, newForm } from '../src/views/discussions/form';
import { LiveSession, type Link } from '../src/views/discussions/live-session';
import { canDraftPlan, draftErrorSentence, draftingAssistants } from '../src/views/discussions/plan-draft';
import { consensusView, participantState, type TranscriptState } from '../src/views/discussions/transcript-state';

/** The DaemonError a call was refused with. */
async function refusal(promise: Promise<unknown>): Promise<DaemonError> {
  const e: unknown = await promise.then(
    () => new Error('expected the daemon to refuse'),
    (error: unknown) => error,
  );
  if (!(e instanceof DaemonError)) throw e;
  return e;
}

/** A live session whose state the test can wait on (by what it shows, never by time). */
function follow(id: number, api: DiscussionsApi) {
  let latest: { state: TranscriptState; link: Link } | null = null;
  const waiters = new Set<() => void>();
  const retries: (() => void)[] = [];
  const catchUps: (number | undefined)[] = [];
  const source = {
    events: (discussionId: number, signal: AbortSignal) => api.events(discussionId, signal),
    get: (discussionId: number) => api.get(discussionId),
    messages: (discussionId: number, afterId?: number) => {
      catchUps.push(afterId);
      return api.messages(discussionId, afterId);
    },
    interruptions: (discussionId: number) => api.interruptions(discussionId),
  };
  const session = new LiveSession(
    id,
    source,
    (state, link) => {
      latest = { state, link };
      for (const w of [...waiters]) w();
    },
    // Reconnecting waits for the test to say so.
    (fn) => {
      retries.push(fn);
      return () => retries.splice(retries.indexOf(fn), 1);
    },
  );
  const now = () => latest ?? session.current;
  return {
    session,
    retries,
    catchUps,
    now,
    until(what: string, predicate: (v: { state: TranscriptState; link: Link }) => boolean): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(now())) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        // Only so a failure names what never came (the test's own timeout is the limit).
        setTimeout(() => {
          if (waiters.delete(check)) reject(new Error(`never saw: ${what}; last state ${JSON.stringify(now().link)} ${JSON.stringify(now().state.messages.map((m) => m.content))}`));
        }, 20_000).unref();
      });
    },
  };
}

describe.each(testDatabaseTargets())('the Discussions client against the daemon on $kind', (target) => {
  let database: TestDatabase;
  let daemon: ServedTestApp;
  let engine: DiscussionEngine;
  let api: DiscussionsApi;
  let plans: PlansApi;
  let baseUrl: string;
  const model = new ScriptedModel();
  const ids = { moderator: 0, a: 0, b: 0, idle: 0 };

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, path).toBe(201);
    return (await response.json()) as { id: number };
  };

  beforeAll(async () => {
    database = await target.open();
    const cache = new MemoryCacheStore();
    const log = () => undefined;
    const secrets = secretBox(randomBytes(32));
    engine = new DiscussionEngine({ db: database.db, cache, models: model.factory(), secrets, vectors: new VectorCache(database.db), log, localUserId: await ensureLocalUser(database.db) });
    daemon = await serveTestApp(database, { cache, secrets, models: model.factory(), discussions: engine });
    baseUrl = daemon.url;
    api = new DiscussionsApi(new DaemonClient({ baseUrl, token: TEST_TOKEN, fetch }));
    plans = new PlansApi(new DaemonClient({ baseUrl, token: TEST_TOKEN, fetch }));

    const assistant = async (name: string, persona: string, icon: Record<string, unknown>, isActive = true) => {
      const p = await post('/personas', { name: persona, personality: `${persona} speaks plainly.`, ...icon });
      return (await post('/assistants', { name, provider: 'openai_compatible', model: 'llama3.2', personaId: p.id, isActive })).id;
    };
    ids.moderator = await assistant('Moderator', '綾', { iconUrl: '🦉' });
    ids.a = await assistant('Alpha', 'Aki', { iconUrl: 'https://example.org/aki.png' });
    ids.b = await assistant('Beta', 'Ben', { iconType: 'preset', iconMetadata: { icon_name: 'librarian' } });
    ids.idle = await assistant('Idle', 'Ida', {}, false);
  });

  afterEach(() => model.verify());

  afterAll(async () => {
    engine?.kill();
    closeAllSse();
    await daemon?.close();
    await database?.dispose();
  });

  it('lists the active assistants with their personas, for the form', async () => {
    const assistants = await api.assistants();
    const names = assistants.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['Moderator', 'Alpha', 'Beta']));
    expect(names).not.toContain('Idle');
    const personas = new Map((await api.personas()).map((p) => [p.id, p]));
    const beta = assistants.find((a) => a.id === ids.b);
    const persona = beta?.personaId ? personas.get(beta.personaId) : undefined;
    expect(persona).toMatchObject({ name: 'Ben', iconType: 'preset', iconMetadata: { icon_name: 'librarian' } });
  });

  it('puts each of the daemon’s refusals beside the field it concerns', async () => {
    const assistants = (await api.assistants()).filter((a) => a.id === ids.moderator || a.id === ids.a);
    const form = newForm({ selection: '', noteTitle: 'Remote work' }, assistants, 'en');
    expect(form.participants.map((p) => p.role)).toEqual(['moderator', 'participant']);
    const bad = { ...form, topic: '  ', maxRounds: '0', participants: [form.participants[0]!, { ...form.participants[1]!, role: 'observer' as const }] };
    const e = await refusal(api.create(createBody(bad, null)));
    expect(e.reason).toMatchObject({ code: 'http-error', status: 400 });
    const errors = formErrors(e, () => 'unexpected');
    expect(errors.topic).toEqual(['topic must not be empty']);
    expect(errors.maxRounds).toEqual(['maxRounds must be at least 1']);
    expect(errors.participants?.join(' ')).toContain('at least two speakers');
    expect(errors.form).toBeUndefined();

    // Not a validation issue but the engine's refusal: shown above the form, in the daemon's words.
    const idle = { ...form, participants: [...form.participants, { assistantId: ids.idle, role: 'participant' as const, stance: '' }] };
    const inactive = await refusal(api.create(createBody(idle, null)));
    expect(inactive.reason).toMatchObject({ status: 409 });
    expect(formErrors(inactive, (x) => (x as DaemonError).message).form?.[0]).toContain('"Idle" is inactive');
  });

  it('follows a discussion live: tokens as they arrive, pause, clarify, a dropped stream caught up, terminate, the note', async () => {
    const held = heldGate();
    const heldAgain = heldGate();
    model.script(
      say(ids.moderator, 'Welcome. Shall we allow remote work?'),
      say(ids.a, 'Remote work helps focus; see [[Roadmap]].', { gate: held.promise, confidence: 8, reasoning: 'Fewer interruptions.' }),
      say(ids.b, 'The budget is fine, to answer your question.', { type: 'answer' }),
      judge(ids.moderator, { progress: 0.5, reached: false, openPoints: ['Costs of equipment'] }),
      say(ids.a, 'One more point on focus.', { gate: heldAgain.promise }),
      say(ids.moderator, 'Summary: remote work helps focus; costs remain open.'),
    );
    const assistants = (await api.assistants()).filter((a) => [ids.moderator, ids.a, ids.b].includes(a.id));
    const form = { ...newForm({ selection: '## Remote work\nShould the team work remotely?', noteTitle: null }, assistants, 'en'), maxRounds: '3', consultVault: false };
    const created = await api.create(createBody(form, null));
    expect(created).toMatchObject({ title: 'Remote work', topic: 'Remote work', description: '## Remote work\nShould the team work remotely?', status: 'active' });
    const id = created.id;
    const alpha = created.participants.find((p) => p.assistantId === ids.a)!;

    const live = follow(id, api);
    live.session.start();

    // Alpha's turn has streamed but is not stored yet: it is shown as it grows, and Alpha is speaking.
    await held.reached;
    await live.until('Alpha’s streamed turn, Alpha speaking', ({ state }) => state.turn?.text === 'Remote work helps focus; see [[Roadmap]].' && participantState(state, alpha.id) === 'speaking');
    expect(live.now().link.state).toBe('live');
    expect(live.now().state.messages.map((m) => m.content)).toEqual(['Welcome. Shall we allow remote work?']);

    // Pause: the discussion is paused at once, the turn in progress still finishes.
    const paused = await api.interrupt(id, { type: 'pause' });
    live.session.apply({ event: 'discussion', data: { discussion: paused.discussion } });
    expect(controlsFor(paused.discussion, null).actions).toEqual(['resume', 'redirect', 'clarify', 'terminate']);
    const twice = await refusal(api.interrupt(id, { type: 'pause' }));
    expect(twice.reason).toMatchObject({ status: 409 });
    expect(allowedFromConflict(twice.body?.error.details)).toEqual(['resume', 'redirect', 'clarify', 'terminate']);
    const clarify = await api.interrupt(id, { type: 'clarify', message: 'What about the budget?' });
    expect(clarify.interruption).toMatchObject({ type: 'clarify', message: 'What about the budget?', resolvedAt: null });

    held.open();
    await engine.settled(id);
    await live.until('Alpha’s stored turn, nothing streaming', ({ state }) => state.messages.length === 2 && state.turn === null && state.discussion?.status === 'paused');
    const a1 = live.now().state.messages[1]!;
    expect(a1).toMatchObject({ content: 'Remote work helps focus; see [[Roadmap]].', confidence: 8, reasoning: 'Fewer interruptions.' });

    // The stream drops (as when the daemon restarts). Meanwhile the discussion goes on.
    closeAllSse();
    await live.until('the stream dropped', ({ link }) => link.state === 'waiting');
    const resumed = await api.interrupt(id, { type: 'resume' });
    expect(resumed.discussion.status).toBe('active');
    await heldAgain.reached;
    expect(live.now().state.messages).toHaveLength(2);

    // Reconnecting catches up from the last message shown; the turn in progress comes with the stream.
    expect(live.retries).toHaveLength(1);
    live.retries.shift()!();
    await live.until('caught up', ({ state, link }) => link.state === 'live' && state.messages.length === 4 && state.turn?.text === 'One more point on focus.');
    expect(live.catchUps).toEqual([undefined, a1.id]);
    const shown = live.now().state;
    const storedNow = await api.messages(id);
    expect(shown.messages.map((m) => m.id)).toEqual(storedNow.map((m) => m.id));
    expect(shown.messages[2]).toMatchObject({ content: 'The budget is fine, to answer your question.', messageType: 'answer', answersInterruptionId: clarify.interruption!.id });
    expect(shown.interruptions.find((i) => i.type === 'clarify')?.resolvedAt).not.toBeNull();
    expect(consensusView(shown)).toMatchObject({ progress: 0.5, reached: false, openPoints: ['Costs of equipment'] });

    // Terminate: the turn in progress finishes, the moderator sums up, the stream ends with the discussion.
    const ending = await api.interrupt(id, { type: 'terminate' });
    expect(ending.discussion.status).toBe('terminated');
    heldAgain.open();
    await engine.settled(id);
    await live.until('the end', ({ state, link }) => link.state === 'closed' && state.discussion?.endedAt !== null && state.messages.length === 6);
    const final = live.now().state;
    expect(final.messages.map((m) => m.id)).toEqual((await api.messages(id)).map((m) => m.id));
    expect(final.messages[5]).toMatchObject({ kind: 'summary', content: 'Summary: remote work helps focus; costs remain open.' });
    expect(final.discussion).toMatchObject({ status: 'terminated', stopReason: 'terminated' });
    expect(controlsFor(final.discussion, final.live).actions).toEqual([]);
    const late = await refusal(api.interrupt(id, { type: 'resume' }));
    expect(late.reason).toMatchObject({ status: 409 });
    expect(allowedFromConflict(late.body?.error.details)).toEqual([]);

    const note = await api.note(id, 'en');
    expect(note.fileName).toMatch(/Remote work.*\.md$/);
    expect(note.markdown).toContain('Remote work helps focus; see [[Roadmap]].');
    expect(note.markdown).toContain('Summary: remote work helps focus; costs remain open.');
    live.session.dispose();
  });

  it('drafts a plan from a consensus (the moderator by default) and says in one sentence why a draft failed', async () => {
    const i18n = new I18n(() => 'en');
    i18n.apply('en');
    const assistants = (await api.assistants()).filter((a) => [ids.moderator, ids.a, ids.b].includes(a.id));
    const run = async (topic: string, reached: boolean) => {
      model.script(say(ids.moderator, 'Open.'), say(ids.a, 'A1.'), say(ids.b, 'B1.'), judge(ids.moderator, { progress: reached ? 1 : 0.3, reached, summary: reached ? 'Two office days a week, from April.' : 'Still apart.' }));
      const form = { ...newForm({ selection: topic, noteTitle: null }, assistants, 'en'), maxRounds: '1', consultVault: false };
      const { id } = await api.create(createBody(form, null));
      await engine.settled(id);
      return api.get(id);
    };

    const agreed = await run('Office days', true);
    expect(agreed).toMatchObject({ status: 'completed', stopReason: 'consensus', consensusReached: true });
    expect(canDraftPlan(agreed)).toBe(true);
    const drafter = draftingAssistants(agreed)[0]!;
    expect(drafter).toEqual({ assistantId: ids.moderator, name: 'Moderator' });
    model.script({
      call: 'generateObject',
      check: (req, config) => {
        expect(config?.assistantId).toBe(ids.moderator);
        expect(req.messages[0]!.content).toContain('Two office days a week, from April.');
      },
      reply: {
        object: {
          title: 'Office days from April',
          description: null,
          objective: 'Two office days a week',
          scope: null,
          timeline: { startDate: '2026-04-01', endDate: '2026-06-30', milestones: [] },
          resources: { people: [], cost: null, dependencies: [] },
          riskAssessment: null,
          successCriteria: ['Everyone in the office twice a week'],
        },
      },
    });
    const plan = await plans.draft({ discussionId: agreed.id, assistantId: drafter.assistantId });
    expect(plan).toMatchObject({ status: 'submitted', title: 'Office days from April', assistantId: ids.moderator });
    expect((await plans.get(plan.id)).id).toBe(plan.id);

    // The provider failing: the daemon's own sentence, not "not connected", in the person's language
    // (English here, like the pane).
    const english = await fetch(`${baseUrl}/api/v1/preferences`, { method: 'PATCH', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ language: 'en' }) });
    expect(english.status).toBe(200);
    model.script({ call: 'generateObject', reply: { error: new AiError({ kind: 'unreachable', who: 'Ollama' }) } });
    const down = await refusal(plans.draft({ discussionId: agreed.id, assistantId: drafter.assistantId }));
    expect(down.reason).toMatchObject({ status: 502 });
    expect(draftErrorSentence(down, i18n.t)).toBe('Could not reach Ollama; check that the server is running and the base URL is right.');

    // Ended by the round limit: no button, and the daemon's 409 in the pane's words.
    const apart = await run('Lunch', false);
    expect(apart).toMatchObject({ status: 'completed', stopReason: 'round_limit', consensusReached: false });
    expect(canDraftPlan(apart)).toBe(false);
    const none = await refusal(plans.draft({ discussionId: apart.id, assistantId: ids.moderator }));
    expect(none.reason).toMatchObject({ status: 409 });
    expect(draftErrorSentence(none, i18n.t)).toBe('This discussion has no consensus to draft a plan from.');
  });

  it('closes the session with the daemon’s words for a discussion that does not exist', async () => {
    const live = follow(999_999, api);
    live.session.start();
    await live.until('closed', ({ link }) => link.state === 'closed');
    const { link } = live.now();
    expect(link.state === 'closed' && link.error instanceof DaemonError && link.error.reason).toMatchObject({ status: 404 });
    expect(live.retries).toHaveLength(0);
  });
});
