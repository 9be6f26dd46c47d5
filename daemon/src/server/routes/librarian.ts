/**
 * The librarian AI (司書AI): settings, retrieval, asking (Server-Sent Events), its conversations,
 * the note tools and the vault's templates. The logic lives in daemon/src/librarian; this file is
 * HTTP: validation (by the contract), errors, the stream and the order of writes.
 *
 * Order of writes for one question: retrieval first (a failure there writes nothing), then the
 * question is stored, then the answer when the stream ends — complete, or incomplete with the
 * reason when a provider error or a cancel cut it off. Nothing half-written is stored as complete.
 */
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { z } from 'zod';
import { askEventSchemas, librarianEndpoints, type AskEventName, type Passage, type PassagesResponse } from '../../../../shared/contracts/librarian';
import type { Language } from '../../../../shared/i18n';
import { defaultModelFactory, recordUsage, type AssistantModelConfig } from '../../ai/assistants';
import { AiError, aiErrorSentence, type AiErrorKind } from '../../ai/errors';
import { detectLanguage, systemPrompt } from '../../ai/prompt';
import { streamReply } from '../../ai/stream-reply';
import { ZERO_USAGE, type ChatModel, type TokenUsage } from '../../ai/provider';
import { loadContext, saveContext, type SessionMessage } from '../../ai/session';
import type { Db } from '../../db/database';
import { aiAssistants, librarianAssistant, obsidianIntegrationSettings } from '../../db/schema';
import { checkCitations, linkTargetsOf } from '../../librarian/citations';
import { conversationVault, findLibrarianConversation, librarianMessages, librarianMessageToApi, listLibrarianConversations, startTurn, storeAnswer } from '../../librarian/conversation';
import { librarianSystemPrompt, questionWithPassages } from '../../librarian/prompt';
import { embeddingCounts, skippedSentence } from '../../librarian/embedding-status';
import { retrieveHybrid, semanticOutcomeToApi, semanticSource } from '../../librarian/semantic';
import { semanticProblemMessage, semanticState, semanticToApi } from '../../librarian/semantic-settings';
import { ensureLibrarian, librarianState, message, problemMessage, readKnowledgeCategories, readStrategies, settingsToApi, type LibrarianState } from '../../librarian/settings';
import { listTemplates } from '../../librarian/templates';
import type { VectorCache } from '../../librarian/vectors';
import { resolveTemplateFolder } from '../../vault/template-folder';
import {
  CATEGORY_INSTRUCTIONS,
  categorize,
  LINK_INSTRUCTIONS,
  linkCandidates,
  loadNote,
  readCategoryMappings,
  SUMMARY_INSTRUCTIONS,
  summarize,
  suggestLinks,
  suggestTags,
  TAG_INSTRUCTIONS,
  type NoteText,
  type ToolCall,
} from '../../librarian/tools';
import { findNote, resolveVault } from '../../search/graph';
import type { AppDeps } from '../app';
import { ApiError } from '../errors';
import { register, type AppEnv } from '../route';
import { personaParts } from './conversations';
import { preferredLanguage } from './preferences';

type Configured = LibrarianState & { assistant: NonNullable<LibrarianState['assistant']>; config: AssistantModelConfig };

/** HTTP status of a failed model call in a JSON answer (the sentence says what happened). */
const STATUS_OF: Partial<Record<AiErrorKind, 409 | 429 | 502 | 503 | 504>> = {
  not_configured: 409,
  rate_limited: 429,
  timeout: 504,
  cancelled: 503,
};

/** `vectors`: the app's one cache of note vectors (the embedder's when there is one). */
export function librarianRoutes(deps: AppDeps, vectors: VectorCache) {
  const app = new Hono<AppEnv>();
  const { db } = deps.database;
  const { secrets, log } = deps;
  const models = deps.models ?? defaultModelFactory(log);

  /** The librarian with a callable model, or 409 librarian_not_configured saying what to set up. */
  async function configured(language: Language): Promise<Configured> {
    const state = await librarianState(db, secrets, language);
    if (state.problem || !state.config || !state.assistant) {
      throw new ApiError(409, 'librarian_not_configured', problemMessage(state, language) ?? '', { problem: state.problem, configure: 'librarian.assistantId' });
    }
    return state as Configured;
  }

  /** One structured call of a note tool; provider failures become one clear sentence with a 4xx/5xx. */
  async function runTool<T extends { usage: TokenUsage }>(state: Configured, c: Context<AppEnv>, instructions: string, question: string, languages: { answer: Language; preferred: Language }, run: (call: ToolCall) => Promise<T>): Promise<T> {
    const model = models(state.config);
    const system = `${systemPrompt(await personaParts(db, state.assistant), question, languages.answer)}\n\n${instructions}`;
    const call: ToolCall = { model, system, temperature: state.config.settings.temperature, maxOutputTokens: state.config.settings.maxOutputTokens, signal: c.req.raw.signal };
    try {
      const result = await run(call);
      await recordUsage(db, state.assistant.id, result.usage);
      return result;
    } catch (e) {
      if (!(e instanceof AiError)) throw e;
      if (e.kind !== 'not_configured') await recordUsage(db, state.assistant.id, ZERO_USAGE);
      log(e.kind === 'cancelled' ? 'info' : 'warn', 'librarian tool failed', { assistantId: state.assistant.id, kind: e.kind, status: e.detail.status, cause: e.detail.cause });
      throw new ApiError(STATUS_OF[e.kind] ?? 502, e.kind, aiErrorSentence(e, languages.preferred));
    }
  }

  async function noteTool(body: { vault?: string; path: string }, language: Language) {
    const vault = await resolveVault(db, body.vault);
    const text = await loadNote(db, vault.id, body.path);
    if (!text.body.trim()) throw new ApiError(422, 'note_empty', message(language, 'librarian.ai.note-empty', { path: text.note.path }));
    return { vault, text };
  }

  /** The language of a note tool's answer: the note's own (kana → Japanese), else the user's. */
  const languageOfNote = (text: NoteText, preferred: Language): Language => detectLanguage(`${text.note.title}\n${text.body.slice(0, 2000)}`) ?? preferred;

  async function settingsView(language: Language) {
    const state = await librarianState(db, secrets, language);
    return settingsToApi(state, language, semanticToApi(state.row, await semanticState(db, secrets, state.row), language));
  }

  async function assertAssistant(field: string, assistantId: number | null | undefined) {
    if (assistantId === undefined || assistantId === null) return;
    const [a] = await db.select({ id: aiAssistants.id, deletedAt: aiAssistants.deletedAt }).from(aiAssistants).where(eq(aiAssistants.id, assistantId));
    if (!a || a.deletedAt) throw new ApiError(400, 'unknown_reference', `${field} ${assistantId} does not exist; list assistants with GET /api/v1/assistants`);
  }

  register(app, librarianEndpoints.settings, async () => settingsView(await preferredLanguage(db, deps.localUserId)));

  register(app, librarianEndpoints.updateSettings, async ({ body }) => {
    const language = await preferredLanguage(db, deps.localUserId);
    const { row } = await librarianState(db, secrets, language);
    await assertAssistant('assistantId', body.assistantId);
    await assertAssistant('semantic.assistantId', body.semantic?.assistantId);
    const { searchStrategies, semantic, ...rest } = body;
    const embedding = {
      embeddingEnabled: semantic?.enabled ?? row.embeddingEnabled,
      embeddingAssistantId: semantic?.assistantId !== undefined ? semantic.assistantId : row.embeddingAssistantId,
      embeddingModel: semantic?.model !== undefined ? semantic.model || null : row.embeddingModel,
    };
    if (embedding.embeddingEnabled) {
      // Turning semantic search on (or changing it while on) with an assistant that cannot embed is refused, saying why.
      const check = await semanticState(db, secrets, embedding);
      if (check.problem) throw new ApiError(400, 'embedding_unavailable', semanticProblemMessage(check, language) ?? '', { problem: check.problem, configure: 'semantic.assistantId' });
    }
    await db
      .update(librarianAssistant)
      .set({ ...rest, ...(searchStrategies ? { searchStrategies: { ...readStrategies(row.searchStrategies), ...searchStrategies } } : {}), ...(semantic ? embedding : {}) })
      .where(eq(librarianAssistant.id, row.id));
    if (semantic) await deps.embedder?.restart();
    return settingsView(language);
  });

  register(app, librarianEndpoints.embeddings, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const language = await preferredLanguage(db, deps.localUserId);
    const row = await ensureLibrarian(db, language);
    const state = await semanticState(db, secrets, row);
    const model = row.embeddingEnabled && state.modelId ? state.modelId : null;
    const counts = await embeddingCounts(db, vault.id, model);
    const status = deps.embedder?.status(vault.id);
    const last = status?.lastError;
    return {
      vault: vault.id,
      enabled: row.embeddingEnabled,
      model,
      notes: counts.notes,
      embeddedNotes: counts.embeddedNotes,
      chunks: counts.chunks,
      skippedSections: counts.skippedSections,
      lastSkipped: counts.lastSkipped && { ...counts.lastSkipped, message: skippedSentence(counts.lastSkipped, language), at: counts.lastSkipped.at.toISOString() },
      running: status?.running ?? false,
      tokens: status?.tokens ?? 0,
      lastError: last ? { code: last.error.kind, message: aiErrorSentence(last.error, language), at: last.at.toISOString() } : null,
    };
  });

  register(app, librarianEndpoints.passages, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const language = await preferredLanguage(db, deps.localUserId);
    const strategies = readStrategies((await librarianState(db, secrets, language)).row.searchStrategies);
    const r = await retrieveHybrid(db, { vaultId: vault.id, question: query.q, limit: query.limit, expandLinks: strategies.expandLinks, maxPassageChars: strategies.maxPassageChars }, await semanticSource(db, secrets, vectors));
    if (r.semantic.error) log('warn', 'semantic search failed; lexical passages only', { kind: r.semantic.error.kind, cause: r.semantic.error.detail.cause });
    return { vault: vault.id, passages: r.passages, relevant: r.relevant, semantic: semanticOutcomeToApi(r.semantic, language) };
  });

  register(app, librarianEndpoints.ask, async ({ body }, c) => {
    const preferred = await preferredLanguage(db, deps.localUserId);
    const language = detectLanguage(body.question) ?? preferred;
    const state = await configured(language);
    let vaultParam = body.vault;
    if (vaultParam === undefined && body.conversationId !== undefined) {
      const vaultId = conversationVault((await findLibrarianConversation(db, body.conversationId)).metadata);
      if (vaultId !== undefined) vaultParam = String(vaultId);
    }
    const vault = await resolveVault(db, vaultParam);
    const strategies = readStrategies(state.row.searchStrategies);
    const note = body.notePath === undefined ? undefined : await findNote(db, vault.id, body.notePath);
    const retrieval = await retrieveHybrid(
      db,
      { vaultId: vault.id, question: body.question, limit: strategies.passages, expandLinks: strategies.expandLinks, maxPassageChars: strategies.maxPassageChars, noteId: note?.id },
      await semanticSource(db, secrets, vectors),
    );
    if (retrieval.semantic.error) log('warn', 'semantic search failed; lexical passages only', { kind: retrieval.semantic.error.kind, cause: retrieval.semantic.error.detail.cause });
    const turn = await startTurn(db, { question: body.question, conversationId: body.conversationId, vaultId: vault.id, assistantId: state.assistant.id, userId: deps.localUserId });
    const mode = retrieval.relevant ? 'vault' : body.allowGeneralKnowledge ? 'general' : 'nothing_found';
    log('debug', 'librarian question', { conversationId: turn.conversationId, vaultId: vault.id, passages: retrieval.passages.length, mode, terms: retrieval.terms.map((t) => t.text) });
    return askStream(c, { db, deps, state, turn, passages: retrieval.passages, semantic: semanticOutcomeToApi(retrieval.semantic, preferred), mode, language, preferred, model: mode === 'nothing_found' ? undefined : models(state.config) });
  });

  register(app, librarianEndpoints.conversations, async ({ query }) => listLibrarianConversations(db, query.limit, query.offset));

  register(app, librarianEndpoints.messages, async ({ params, query }) => librarianMessages(db, params.id, query.limit, query.offset));

  register(app, librarianEndpoints.suggestTags, async ({ body }, c) => {
    const preferred = await preferredLanguage(db, deps.localUserId);
    const state = await configured(preferred);
    const { vault, text } = await noteTool(body, preferred);
    const language = languageOfNote(text, preferred);
    return runTool(state, c, TAG_INSTRUCTIONS, text.body, { answer: language, preferred }, (call) => suggestTags(db, vault.id, text, call));
  });

  register(app, librarianEndpoints.categorize, async ({ body }, c) => {
    const preferred = await preferredLanguage(db, deps.localUserId);
    const state = await configured(preferred);
    const { vault, text } = await noteTool(body, preferred);
    const [row] = await db.select({ mappings: obsidianIntegrationSettings.categoryMappings }).from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.id, vault.id));
    const fromVault = readCategoryMappings(row?.mappings);
    const source = Object.keys(fromVault).length > 0 ? ('vault' as const) : ('librarian' as const);
    const categories = source === 'vault' ? fromVault : readKnowledgeCategories(state.row.knowledgeCategories);
    if (Object.keys(categories).length === 0) throw new ApiError(409, 'no_categories', message(preferred, 'librarian.ai.no-categories'));
    const language = languageOfNote(text, preferred);
    const result = await runTool(state, c, CATEGORY_INSTRUCTIONS, text.body, { answer: language, preferred }, (call) => categorize(text, categories, call));
    return { ...result, source };
  });

  register(app, librarianEndpoints.summarize, async ({ body }, c) => {
    const preferred = await preferredLanguage(db, deps.localUserId);
    const state = await configured(preferred);
    const { text } = await noteTool(body, preferred);
    return runTool(state, c, SUMMARY_INSTRUCTIONS, text.body, { answer: languageOfNote(text, preferred), preferred }, (call) => summarize(text, call));
  });

  register(app, librarianEndpoints.suggestLinks, async ({ body }, c) => {
    const preferred = await preferredLanguage(db, deps.localUserId);
    const state = await configured(preferred);
    const { vault, text } = await noteTool(body, preferred);
    const candidates = await linkCandidates(db, vault.id, text.note);
    // Nothing related that is not linked already: nothing to ask the model.
    if (candidates.length === 0) return { path: text.note.path, suggestions: [], usage: ZERO_USAGE };
    return runTool(state, c, LINK_INSTRUCTIONS, text.body, { answer: languageOfNote(text, preferred), preferred }, (call) => suggestLinks(text, candidates, call));
  });

  register(app, librarianEndpoints.templates, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const [row] = await db.select({ path: obsidianIntegrationSettings.vaultPath, folder: obsidianIntegrationSettings.templateFolder }).from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.id, vault.id));
    const list = await listTemplates(row!.path, await resolveTemplateFolder(row!.path, row!.folder, query.configDir));
    return { vault: vault.id, ...list };
  });

  return app;
}

interface AskTurn {
  db: Db;
  deps: AppDeps;
  state: Configured;
  turn: Awaited<ReturnType<typeof startTurn>>;
  passages: Passage[];
  semantic: PassagesResponse['semantic'];
  mode: 'vault' | 'general' | 'nothing_found';
  language: Language;
  preferred: Language;
  /** Undefined when no model is called (nothing relevant, general knowledge not allowed). */
  model: ChatModel | undefined;
}

async function send<E extends AskEventName>(stream: SSEStreamingApi, event: E, data: z.input<(typeof askEventSchemas)[E]>) {
  if (stream.aborted || stream.closed) return;
  await stream.writeSSE({ event, data: JSON.stringify(data) });
}

function askStream(c: Context<AppEnv>, t: AskTurn): Response {
  const { db, deps, state, turn } = t;
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    const cancel = () => controller.abort(new DOMException('client went away', 'AbortError'));
    stream.onAbort(cancel);
    c.req.raw.signal.addEventListener('abort', cancel, { once: true });
    await send(stream, 'user', { message: librarianMessageToApi(turn.userMessage) });
    await send(stream, 'passages', { vault: turn.vaultId, passages: t.passages, relevant: t.mode === 'vault', semantic: t.semantic });

    if (!t.model) {
      const reply = await storeAnswer(db, { conversationId: turn.conversationId, assistantId: state.assistant.id, text: message(t.language, 'librarian.ai.nothing-found'), mode: 'nothing_found', citations: [], removedLinks: [], usage: ZERO_USAGE, model: null });
      c.req.raw.signal.removeEventListener('abort', cancel);
      await send(stream, 'done', { message: librarianMessageToApi(reply), usage: ZERO_USAGE });
      return;
    }

    const model = t.model;
    let history: SessionMessage[] = [];
    const { text, usage, failure, finishReason, unexpected } = await streamReply(
      model,
      async () => {
        const [context, persona, linkTargets] = await Promise.all([
          loadContext(deps.cache, db, state.assistant.id, turn.conversationId, turn.userMessage.id),
          personaParts(db, state.assistant),
          linkTargetsOf(db, turn.vaultId, t.passages),
        ]);
        history = context.messages;
        return {
          system: librarianSystemPrompt(persona, turn.userMessage.content, t.preferred, t.mode === 'vault' ? 'vault' : 'general'),
          messages: [...history.map(({ role, content }) => ({ role, content })), { role: 'user', content: questionWithPassages(turn.userMessage.content, t.passages, linkTargets) }],
          temperature: state.config.settings.temperature,
          maxOutputTokens: state.config.settings.maxOutputTokens,
          signal: controller.signal,
        };
      },
      (text) => send(stream, 'delta', { text }),
    );
    c.req.raw.signal.removeEventListener('abort', cancel);
    if (unexpected) deps.log('error', 'librarian stream failed unexpectedly', { conversationId: turn.conversationId, error: unexpected instanceof Error ? unexpected.stack : String(unexpected) });

    // Stored either way (a cut answer says so); this runs even after the client left.
    let replyId: number | null = null;
    try {
      const checked = await checkCitations(db, turn.vaultId, text, t.passages);
      if (checked.removedLinks.length > 0) deps.log('info', 'librarian answer linked to missing notes; unlinked', { conversationId: turn.conversationId, removed: checked.removedLinks });
      const reply = await storeAnswer(db, {
        conversationId: turn.conversationId,
        assistantId: state.assistant.id,
        text: checked.text,
        mode: t.mode === 'vault' ? 'vault' : 'general',
        citations: checked.citations,
        removedLinks: checked.removedLinks,
        usage,
        model: model.id,
        finishReason,
        failure: failure && { kind: failure.kind, reason: aiErrorSentence(failure, t.preferred) },
      });
      replyId = reply.id;
      if (!failure || failure.kind !== 'not_configured') await recordUsage(db, state.assistant.id, usage);
      const next: SessionMessage[] = failure ? [...history, { id: turn.userMessage.id, role: 'user', content: turn.userMessage.content }] : [...history, { id: turn.userMessage.id, role: 'user', content: turn.userMessage.content }, { id: reply.id, role: 'assistant', content: checked.text }];
      await saveContext(deps.cache, state.assistant.id, turn.conversationId, next, reply.id);
      if (!failure) {
        await send(stream, 'done', { message: librarianMessageToApi(reply), usage });
        return;
      }
    } catch (e) {
      deps.log('error', 'librarian answer could not be stored', { conversationId: turn.conversationId, error: e instanceof Error ? e.stack : String(e) });
      await send(stream, 'error', { code: 'internal', message: 'The answer could not be saved; see the daemon log.', messageId: null });
      return;
    }
    deps.log(failure.kind === 'cancelled' ? 'info' : 'warn', 'librarian answer incomplete', { conversationId: turn.conversationId, assistantId: state.assistant.id, kind: failure.kind, status: failure.detail.status, cause: failure.detail.cause });
    await send(stream, 'error', { code: failure.kind, message: aiErrorSentence(failure, t.preferred), messageId: replyId });
  });
}
