/**
 * What the discussion tests share: an app over a real database with a discussion engine whose
 * models are scripted per assistant (fail closed), assistants with personas, builders for scripted
 * turns and judgements, gates that hold a scripted stream until the test releases it, and an SSE
 * parser that checks every event against the contract.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { discussionEventSchemas, discussionSchema, type Discussion, type DiscussionCreate } from '../../../shared/contracts/discussions';
import type { ModelFactory } from '../../src/ai/assistants';
import { createEmbeddingModel } from '../../src/ai/embedding';
import { AiError } from '../../src/ai/errors';
import type { ChatRequest, TokenUsage } from '../../src/ai/provider';
import { secretBox } from '../../src/ai/secrets';
import { ensureLocalUser } from '../../src/db/local-user';
import type { CacheStore } from '../../src/cache/store';
import type { Db } from '../../src/db/database';
import type { StorageRetryPolicy } from '../../src/discussions/storage-wait';
import { aiDiscussions, discussionInterruptions, discussionMessages, roles } from '../../src/db/schema';
import { DiscussionEngine, type EngineCheckpoints } from '../../src/discussions/engine';
import { Embedder } from '../../src/librarian/embedder';
import { VectorCache } from '../../src/librarian/vectors';
import type { Log } from '../../src/log';
import { ScriptedModel, type ScriptedStep } from '../ai/scripted-model';
import { createTestApp, type TestApp } from '../helpers/app';
import type { TestDatabase } from '../helpers/databases';

export const api = (path: string) => `${API_PREFIX}${path}`;

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A promise plus a way to wait until something reaches it (a checkpoint the engine is held at). */
export function signal<T = void>(): { wait: Promise<T>; fire(value: T): void } {
  let fire!: (value: T) => void;
  const wait = new Promise<T>((resolve) => (fire = resolve));
  return { wait, fire };
}

/**
 * A gate for a scripted stream that also tells when the stream reached it (its text streamed and
 * the model now waits): a thenable whose then() is called exactly when the stream awaits it.
 */
export function heldGate(): { promise: Promise<void>; reached: Promise<void>; open(): void } {
  const reached = signal();
  const g = gate();
  const thenable = {
    then(onOk: () => void, onErr: (e: unknown) => void) {
      reached.fire();
      return g.promise.then(onOk, onErr);
    },
  };
  return { promise: thenable as unknown as Promise<void>, reached: reached.wait, open: g.open };
}

/** Holds the engine before the `index`-th step it takes from now (0: the next one), until released. */
export function holdBeforeStep(h: Harness, index: number): { reached: Promise<void>; release(): void } {
  const reached = signal();
  const g = gate();
  let seen = 0;
  h.checkpoints.beforeStep = async () => {
    if (seen++ !== index) return;
    h.checkpoints.beforeStep = undefined;
    reached.fire();
    await g.promise;
  };
  return { reached: reached.wait, release: g.open };
}

const USAGE: TokenUsage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };

export interface TurnOptions {
  type?: 'contribution' | 'question' | 'answer' | 'proposal' | 'agreement' | 'disagreement';
  confidence?: number;
  reasoning?: string;
  references?: string[];
  replyTo?: number | null;
  consensus?: boolean;
  usage?: TokenUsage;
  /** Held after the first half of the content streamed, until opened. */
  gate?: Promise<void>;
  check?: (req: ChatRequest) => void;
}

/** A scripted turn by the assistant `by`: its content streams in two pieces. */
export function say(by: number, content: string, o: TurnOptions = {}): ScriptedStep {
  const object = {
    message_type: o.type ?? 'contribution',
    content,
    reasoning: o.reasoning ?? `why ${content}`,
    confidence: o.confidence ?? 7,
    references: o.references ?? [],
    reply_to: o.replyTo ?? null,
    forms_consensus: o.consensus ?? false,
  };
  const half = Math.ceil(content.length / 2);
  return {
    call: 'streamObject',
    check: (req, config) => {
      expect(config?.assistantId, `expected assistant ${by} to speak`).toBe(by);
      o.check?.(req);
    },
    reply: { partials: [{ message_type: object.message_type }, { message_type: object.message_type, content: content.slice(0, half) }, { message_type: object.message_type, content }], object, usage: o.usage ?? USAGE, gate: o.gate },
  };
}

/** A scripted consensus judgement by the moderator. */
export function judge(by: number, j: { progress: number; reached: boolean; summary?: string; openPoints?: string[]; usage?: TokenUsage; check?: (req: ChatRequest) => void }): ScriptedStep {
  const summary = j.summary ?? `summary at ${j.progress}`;
  return {
    call: 'streamObject',
    check: (req, config) => {
      expect(config?.assistantId, `expected the moderator ${by} to judge`).toBe(by);
      j.check?.(req);
    },
    reply: { partials: [{ summary: summary.slice(0, 3) }, { summary }], object: { summary, open_points: j.openPoints ?? [], progress: j.progress, reached: j.reached }, usage: j.usage ?? USAGE },
  };
}

/** A reply that does not fit the turn's schema (no content, confidence out of range). */
export function misfit(by: number, usage: TokenUsage = USAGE): ScriptedStep {
  return {
    call: 'streamObject',
    check: (_req, config) => expect(config?.assistantId).toBe(by),
    reply: { partials: [{ message_type: 'contribution' }], object: { message_type: 'contribution', confidence: 42 }, usage },
  };
}

/** The provider failing (after its own retries). */
export function providerDown(by: number): ScriptedStep {
  return {
    call: 'streamObject',
    check: (_req, config) => expect(config?.assistantId).toBe(by),
    reply: { error: new AiError({ kind: 'provider_error', who: 'The local model server', status: 503 }, { status: 503 }) },
  };
}

export interface Assistants {
  moderator: number;
  a: number;
  b: number;
  c: number;
  observer: number;
}

export interface Harness {
  t: TestApp;
  engine: DiscussionEngine;
  /** The script every assistant answers from, unless routed to another with `route`. */
  model: ScriptedModel;
  route(assistantIds: number[], model: ScriptedModel): void;
  /** Set hooks here; the engine reads them at each checkpoint. */
  checkpoints: EngineCheckpoints;
  factory: ModelFactory;
  /** With `semantic`: the embedder (not started; turning semantic search on runs it), whose vectors the engine and the app share. */
  embedder: Embedder | undefined;
  assistants: Assistants;
  /** Another assistant (with a persona of the same name). */
  addAssistant(name: string): Promise<number>;
  create(body: Partial<DiscussionCreate> & Pick<DiscussionCreate, 'type'>): Promise<Discussion>;
  /** A restarted daemon: the current engine killed (at once, without waiting), a new engine and app over the same database and cache. */
  restart(): Promise<DiscussionEngine>;
  /** Scripted models still holding steps or having seen unscripted calls fail the test. */
  verify(): void;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  /** The engine's own connection to the same database (one a test can make fail); default the app's. */
  engineDb?: Db;
  /** How the engine waits for a failing database (default: the product's). */
  storageRetry?: StorageRetryPolicy;
  /** An embedder for semantic search, its calls not retried (the provider is a scripted protocol server). */
  semantic?: boolean;
  /** The engine's log (default: silent). */
  log?: Log;
}

export async function createHarness(database: TestDatabase, cache: CacheStore, options: HarnessOptions = {}): Promise<Harness> {
  const model = new ScriptedModel();
  const routes = new Map<number, ScriptedModel>();
  const models = new Set<ScriptedModel>([model]);
  const factory: ModelFactory = (config) => (routes.get(config.assistantId) ?? model).factory()(config);
  const checkpoints: EngineCheckpoints = {};
  const secrets = secretBox(randomBytes(32));
  const log = options.log ?? (() => undefined);
  const localUserId = await ensureLocalUser(database.db);
  const vectors = new VectorCache(database.db);
  const embedder = options.semantic
    ? new Embedder({ db: database.db, secrets, log: () => undefined, vectors, embeddings: (c) => createEmbeddingModel(c, { policy: { maxRetries: 0 } }) })
    : undefined;
  const makeEngine = () =>
    new DiscussionEngine({
      db: options.engineDb ?? database.db,
      cache,
      models: factory,
      secrets,
      vectors,
      log,
      localUserId,
      checkpoints: { beforeStep: (id, step) => checkpoints.beforeStep?.(id, step), afterPersist: (id, m) => checkpoints.afterPersist?.(id, m) },
      storageRetry: options.storageRetry,
    });
  const engine = makeEngine();
  const engines = [engine];
  const t = await createTestApp(database, cache, { secrets, models: factory, discussions: engine, embedder });

  const [role] = await database.db.select().from(roles).limit(1);
  const assistant = async (name: string, persona: string) => {
    const p = await t.json('POST', api('/personas'), { body: { name: persona, personality: `${persona} speaks plainly.`, description: `${persona}, a test persona`, roleId: role!.id } });
    const a = await t.json('POST', api('/assistants'), { body: { name, provider: 'openai_compatible', model: 'llama3.2', personaId: p.body.id } });
    expect(a.status).toBe(201);
    return a.body.id as number;
  };
  const assistants: Assistants = {
    moderator: await assistant('Moderator', '綾'),
    a: await assistant('Alpha', 'Aki'),
    b: await assistant('Beta', 'Ben'),
    c: await assistant('Gamma', 'Chie'),
    observer: await assistant('Observer', 'Oto'),
  };

  const h: Harness = {
    t,
    engine,
    model,
    route(ids, m) {
      models.add(m);
      for (const id of ids) routes.set(id, m);
    },
    checkpoints,
    factory,
    embedder,
    assistants,
    addAssistant: (name) => assistant(name, name),
    async create(body) {
      const r = await h.t.json('POST', api('/discussions'), {
        body: {
          title: 'Test discussion',
          topic: 'Remote work policy',
          participants: [
            { assistantId: assistants.moderator, role: 'moderator' },
            { assistantId: assistants.a, role: 'participant' },
            { assistantId: assistants.b, role: 'participant' },
          ],
          settings: { consultVault: false, maxRounds: 3, tokenBudget: 100_000, language: 'en' },
          ...body,
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return discussionSchema.parse(r.body);
    },
    async restart() {
      h.engine.kill();
      const e = makeEngine();
      engines.push(e);
      h.engine = e;
      h.t = await createTestApp(database, cache, { secrets, models: factory, discussions: e, embedder });
      return e;
    },
    verify() {
      for (const m of models) m.verify();
    },
    async dispose() {
      for (const e of engines) e.kill();
      await embedder?.stop();
      await h.t.dispose();
    },
  };
  return h;
}

/** Messages, interruptions and the discussion row as stored. */
export async function stored(database: TestDatabase, id: number) {
  const [row] = await database.db.select().from(aiDiscussions).where(eq(aiDiscussions.id, id));
  const messages = await database.db.select().from(discussionMessages).where(eq(discussionMessages.discussionId, id)).orderBy(discussionMessages.id);
  const interruptions = await database.db.select().from(discussionInterruptions).where(eq(discussionInterruptions.discussionId, id)).orderBy(discussionInterruptions.id);
  return { row: row!, messages, interruptions };
}

export interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** Server-Sent Events text → events, each checked against discussionEventSchemas. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((l) => l.startsWith('data: ')))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = JSON.parse(
        lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n'),
      );
      const schema = discussionEventSchemas[event as keyof typeof discussionEventSchemas];
      expect(schema, `unknown event ${event}`).toBeDefined();
      schema.parse(data);
      return { event, data };
    });
}
