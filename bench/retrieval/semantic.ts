/**
 * `npm run bench:retrieval -- --semantic`: the retrieval evaluation with semantic search on, through
 * the daemon's own code, not a copy of it. The daemon's app runs in process (called without a
 * socket): POST /assistants stores an assistant of the provider named by HISHO_EVAL_EMBEDDING_* (its
 * key encrypted under a temporary secret.key), PATCH /librarian turns semantic search on (refused,
 * saying why, as a user would be), the daemon's Embedder embeds every indexed vault (progress from
 * GET /librarian/embeddings), then every question is asked lexically (retrievePassages) and hybrid
 * (semanticSource + retrieveHybrid), and the best cosine of each question is kept so the threshold
 * (MIN_COSINE) can be set from data. run.ts prints what `evaluateSemantic` returns.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_PREFIX } from '../../shared/contracts';
import type { EmbeddingProblem, EmbeddingStatus } from '../../shared/contracts/librarian';
import { DEFAULT_EMBEDDING_MODELS, type EmbeddingModel } from '../../daemon/src/ai/embedding';
import { aiErrorSentence } from '../../daemon/src/ai/errors';
import { loadSecretKey, SECRET_KEY_FILE, secretBox } from '../../daemon/src/ai/secrets';
import { MemoryCacheStore } from '../../daemon/src/cache/memory';
import type { Database } from '../../daemon/src/db/database';
import { ensureLocalUser } from '../../daemon/src/db/local-user';
import type { AiProvider } from '../../daemon/src/db/schema';
import { Embedder } from '../../daemon/src/librarian/embedder';
import { retrievePassages, type Retrieval } from '../../daemon/src/librarian/retrieve';
import { retrieveHybrid, semanticSource, type HybridRetrieval, type SemanticSource } from '../../daemon/src/librarian/semantic';
import { nearestNotes, VectorCache } from '../../daemon/src/librarian/vectors';
import type { Log } from '../../daemon/src/log';
import { createApp } from '../../daemon/src/server/app';
import { VERSION } from '../../daemon/src/version';
import type { EvalLanguage, QuestionSetName, RecallResult } from './evaluate';
import { atFive, countIrrelevant, rankSet, type NamedSet } from './harness';

/** Where the provider comes from. */
export const EMBEDDING_ENV = {
  provider: 'HISHO_EVAL_EMBEDDING_PROVIDER',
  model: 'HISHO_EVAL_EMBEDDING_MODEL',
  baseUrl: 'HISHO_EVAL_EMBEDDING_BASE_URL',
  apiKey: 'HISHO_EVAL_EMBEDDING_API_KEY',
} as const;

export interface EmbeddingEnv {
  provider: string;
  /** null: the provider's default embedding model. */
  model: string | null;
  baseUrl: string | null;
  apiKey: string | null;
}

/** The run cannot measure anything: settings missing or refused, or the provider failing. The message is one sentence. */
export class SemanticEvalError extends Error {
  override name = 'SemanticEvalError';
}

/**
 * The provider settings from the environment. Only what the product cannot say is checked here
 * (no provider at all; a local server without its address, where the product would quietly take
 * Ollama's default port); the values themselves are checked by the daemon's own validation.
 */
export function readEmbeddingEnv(env: Record<string, string | undefined>): EmbeddingEnv {
  const value = (name: string) => env[name]?.trim() || null;
  const provider = value(EMBEDDING_ENV.provider);
  if (!provider) {
    throw new SemanticEvalError(
      `Set ${EMBEDDING_ENV.provider} to openai, gemini or openai_compatible (with ${EMBEDDING_ENV.apiKey} for openai and gemini, ${EMBEDDING_ENV.baseUrl} and ${EMBEDDING_ENV.model} for openai_compatible) to run the evaluation with semantic search.`,
    );
  }
  const settings = { provider, model: value(EMBEDDING_ENV.model), baseUrl: value(EMBEDDING_ENV.baseUrl), apiKey: value(EMBEDDING_ENV.apiKey) };
  if (provider === 'openai_compatible' && !settings.baseUrl) {
    throw new SemanticEvalError(`Set ${EMBEDDING_ENV.baseUrl} to the server's OpenAI-compatible address (Ollama: http://127.0.0.1:11434/v1, LM Studio: http://127.0.0.1:1234/v1).`);
  }
  return settings;
}

export interface SemanticCorpus {
  language: EvalLanguage;
  /** An indexed vault of the database (harness.indexVault). */
  vaultId: number;
  sets: NamedSet[];
}

export interface SemanticEvalOptions {
  database: Database;
  corpora: SemanticCorpus[];
  env: EmbeddingEnv;
  /** A line while the vaults are embedded, every `progressEveryMs` (default 5 s) and at the end. */
  progress?: (line: string) => void;
  progressEveryMs?: number;
}

export interface EmbeddedVault {
  language: EvalLanguage;
  notes: number;
  sections: number;
  tokens: number;
}

type Miss = RecallResult['misses'][number];

export interface SetComparison {
  language: EvalLanguage;
  name: QuestionSetName;
  /** Recall@1/5/10 (harness.KS) of the lexical retrieval and of the hybrid one. */
  lexical: RecallResult[];
  hybrid: RecallResult[];
  lexicalTimes: number[];
  hybridTimes: number[];
  /** Questions for which a section reached the cosine threshold. */
  semanticFound: number;
  /** Questions (off-topic ones included) whose embedding failed, so hybrid gave the lexical result; the first one's sentence. */
  failures: number;
  failure: string | null;
  offTopic: { n: number; lexicalIrrelevant: number; hybridIrrelevant: number };
  /** At recall@5: missed lexically and found hybrid (`got`: the lexical five), and the other way round (`got`: the hybrid five). */
  missToHit: Miss[];
  hitToMiss: Miss[];
}

/** Each question's best section cosine (a question whose embedding failed has none). */
export interface LanguageCosines {
  language: EvalLanguage;
  answered: number[];
  offTopic: number[];
}

export interface SemanticReport {
  /** "openai:text-embedding-3-small@512" */
  model: string;
  minCosine: number;
  embedding: { vaults: EmbeddedVault[]; seconds: number };
  sets: SetComparison[];
  cosines: LanguageCosines[];
}

/** The API fields the environment fills, for a validation error's message. */
const FIELD_ENV: Record<string, string> = { provider: EMBEDDING_ENV.provider, model: EMBEDDING_ENV.model, apiKey: EMBEDDING_ENV.apiKey, 'settings.baseUrl': EMBEDDING_ENV.baseUrl };

/** PATCH /librarian's refusals said in terms of the environment (the product's sentences point at its settings screen). */
const PROBLEM_SENTENCES: Partial<Record<EmbeddingProblem, (env: EmbeddingEnv) => string>> = {
  assistant_key_missing: (env) => `${EMBEDDING_ENV.apiKey} is not set: ${env.provider} needs an API key to embed.`,
  model_required: () => `${EMBEDDING_ENV.model} is not set: name the embedding model the server runs (for example bge-m3 or nomic-embed-text).`,
  cannot_embed: (env) => `${EMBEDDING_ENV.provider}=${env.provider} cannot embed (Anthropic has no embedding models): use openai, gemini or openai_compatible.`,
};

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Array<{ path: string[]; message: string }>; problem?: EmbeddingProblem } };
}

function refused(body: ErrorBody, env: EmbeddingEnv): SemanticEvalError {
  const { message, details } = body.error;
  const issue = details?.issues?.[0];
  const field = issue && FIELD_ENV[issue.path.join('.')];
  if (issue && field) return new SemanticEvalError(`${field}: ${issue.message}.`);
  const sentence = details?.problem && PROBLEM_SENTENCES[details.problem];
  return new SemanticEvalError(sentence ? sentence(env) : `The embedding settings were refused: ${message}`);
}

/** Nothing listens: the app is called in process, and its Host check wants this port. */
const PORT = 0;

type AppCall = (method: string, route: string, body?: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The daemon's app over the database, with the given key box and embedder, called through app.request(). */
async function daemonApp(database: Database, secrets: ReturnType<typeof secretBox>, embedder: Embedder, cache: MemoryCacheStore, log: Log): Promise<AppCall> {
  const token = randomBytes(24).toString('hex');
  const localUserId = await ensureLocalUser(database.db);
  const app = createApp({ database, cache, token, port: () => PORT, version: VERSION, startedAt: Date.now(), localUserId, log, secrets, embedder });
  return async (method, route, body) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(`http://127.0.0.1:${PORT}${API_PREFIX}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
}

const tick = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Waits until the embedder has embedded every note of every vault, printing its progress. A provider
 * that fails before any note is embedded (a wrong address, a server down: the embedder would wait and
 * retry for minutes) ends the run; later, a rate limit is waited through as the daemon would.
 */
async function embedAll(call: AppCall, embedder: Embedder, corpora: SemanticCorpus[], everyMs: number, progress: (line: string) => void): Promise<{ vaults: EmbeddedVault[]; seconds: number }> {
  const started = performance.now();
  let done = false;
  const idle = Promise.all(corpora.map((c) => embedder.idle(c.vaultId))).then(() => {
    done = true;
  });
  for (;;) {
    await Promise.race([idle, tick(everyMs)]);
    const finished = done;
    const status = await Promise.all(corpora.map(async (c) => ({ language: c.language, ...((await call('GET', `/librarian/embeddings?vault=${c.vaultId}`)).body as EmbeddingStatus) })));
    const seconds = (performance.now() - started) / 1000;
    const error = status.find((s) => s.lastError);
    progress(
      `embedding ${status.map((s) => `${s.language} ${s.embeddedNotes}/${s.notes} notes, ${s.chunks} sections, ${s.tokens} tokens`).join('; ')} (${seconds.toFixed(0)} s)` +
        (error?.lastError ? ` — last error (${error.language}): ${error.lastError.message}` : ''),
    );
    if (finished) {
      const incomplete = status.find((s) => s.embeddedNotes < s.notes);
      if (incomplete) throw new SemanticEvalError(`Embedding ${incomplete.language} stopped at ${incomplete.embeddedNotes}/${incomplete.notes} notes: ${incomplete.lastError?.message ?? 'no error was reported'}`);
      return { vaults: status.map((s) => ({ language: s.language, notes: s.notes, sections: s.chunks, tokens: s.tokens })), seconds };
    }
    if (error?.lastError && status.every((s) => s.embeddedNotes === 0)) throw new SemanticEvalError(`The embedding provider failed before any note was embedded: ${error.lastError.message}`);
  }
}

interface HybridAnswer {
  retrieval: HybridRetrieval;
  /** The best section's cosine with the question (any section, above the threshold or not); undefined when the question was not embedded. */
  best: number | undefined;
}

/** retrieveHybrid with the source's model wrapped to keep the question's vector, whose best cosine is then found as the product finds it. */
function hybridAsker(database: Database, source: SemanticSource): (vaultId: number, question: string, limit: number) => Promise<HybridAnswer> {
  let vector: Float32Array | undefined;
  const model: EmbeddingModel = {
    id: source.model.id,
    embed: async (req) => {
      const r = await source.model.embed(req);
      vector = r.vectors[0];
      return r;
    },
  };
  const recording: SemanticSource = { ...source, model };
  return async (vaultId, question, limit) => {
    vector = undefined;
    const retrieval = await retrieveHybrid(database.db, { vaultId, question, limit }, recording);
    if (retrieval.semantic.status !== 'used' || !vector) return { retrieval, best: undefined };
    const [nearest] = nearestNotes(await source.vectors.get(vaultId, source.model.id), vector, 1);
    return { retrieval, best: nearest?.cosine };
  };
}

const paths = (r: Retrieval | HybridRetrieval) => r.passages.map((p) => p.path);

function failureSentence(r: HybridRetrieval): string {
  return r.semantic.error ? aiErrorSentence(r.semantic.error, 'en') : `semantic search was ${r.semantic.status}`;
}

export async function evaluateSemantic(o: SemanticEvalOptions): Promise<SemanticReport> {
  const { db } = o.database;
  const home = await mkdtemp(path.join(tmpdir(), 'hisho-eval-'));
  const cache = new MemoryCacheStore();
  // The daemon's warnings would bury the figures (what goes wrong with the provider is in the
  // progress and the report); an error is a defect and is shown.
  const log: Log = (level, message, extra) => {
    if (level === 'error') console.error(`${message} ${JSON.stringify(extra ?? {})}`);
  };
  let embedder: Embedder | undefined;
  try {
    const secrets = secretBox(await loadSecretKey(path.join(home, SECRET_KEY_FILE)));
    const vectors = new VectorCache(db);
    embedder = new Embedder({ db, secrets, log, vectors });
    const call = await daemonApp(o.database, secrets, embedder, cache, log);
    // The refusals' sentences in English.
    await call('PATCH', '/preferences', { language: 'en' });
    const { provider, model, apiKey, baseUrl } = o.env;
    // An assistant needs a chat model name; this one's is never called, so the embedding model's stands in.
    const chatModel = model ?? DEFAULT_EMBEDDING_MODELS[provider as AiProvider]?.model ?? 'embedding';
    const assistant = await call('POST', '/assistants', { name: 'Retrieval evaluation', provider, model: chatModel, apiKey: apiKey ?? undefined, settings: baseUrl ? { baseUrl } : undefined });
    if (assistant.status !== 201) throw refused(assistant.body, o.env);
    const on = await call('PATCH', '/librarian', { semantic: { enabled: true, assistantId: assistant.body.id, model } });
    if (on.status !== 200) throw refused(on.body, o.env);

    const embedding = await embedAll(call, embedder, o.corpora, o.progressEveryMs ?? 5_000, o.progress ?? (() => undefined));
    const source = await semanticSource(db, secrets, vectors);
    if (!source) throw new Error('semantic search was turned on, yet semanticSource found it off');
    const ask = hybridAsker(o.database, source);
    const sets: SetComparison[] = [];
    const cosines: LanguageCosines[] = [];
    for (const corpus of o.corpora) {
      const { vaultId, language } = corpus;
      const c: LanguageCosines = { language, answered: [], offTopic: [] };
      cosines.push(c);
      for (const { name, set } of corpus.sets) {
        let semanticFound = 0;
        let failures = 0;
        let failure: string | null = null;
        const hybridOf = async (question: string, limit: number, into: number[]) => {
          const a = await ask(vaultId, question, limit);
          if (a.best === undefined) {
            failures++;
            failure ??= failureSentence(a.retrieval);
          } else into.push(a.best);
          return a;
        };
        const lexical = await rankSet(set, async (question) => paths(await retrievePassages(db, { vaultId, question, limit: 10 })));
        const hybrid = await rankSet(set, async (question) => {
          const a = await hybridOf(question, 10, c.answered);
          if (a.best !== undefined && a.best >= source.minCosine) semanticFound++;
          return paths(a.retrieval);
        });
        const lexicalIrrelevant = await countIrrelevant(set.offTopic, async (question) => (await retrievePassages(db, { vaultId, question, limit: 5 })).relevant);
        const hybridIrrelevant = await countIrrelevant(set.offTopic, async (question) => (await hybridOf(question, 5, c.offTopic)).retrieval.relevant);
        const lexicalMisses = atFive(lexical.results).misses;
        const hybridMisses = atFive(hybrid.results).misses;
        const missedBy = (misses: Miss[]) => new Set(misses.map((m) => m.question));
        const [lexicalMissed, hybridMissed] = [missedBy(lexicalMisses), missedBy(hybridMisses)];
        sets.push({
          language,
          name,
          lexical: lexical.results,
          hybrid: hybrid.results,
          lexicalTimes: lexical.times,
          hybridTimes: hybrid.times,
          semanticFound,
          failures,
          failure,
          offTopic: { n: set.offTopic.length, lexicalIrrelevant, hybridIrrelevant },
          missToHit: lexicalMisses.filter((m) => !hybridMissed.has(m.question)),
          hitToMiss: hybridMisses.filter((m) => !lexicalMissed.has(m.question)),
        });
      }
    }
    return { model: source.model.id, minCosine: source.minCosine, embedding, sets, cosines };
  } finally {
    await embedder?.stop();
    await cache.close();
    await rm(home, { recursive: true, force: true });
  }
}
