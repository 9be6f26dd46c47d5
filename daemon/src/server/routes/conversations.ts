/**
 * Conversations with one assistant (design §3.5): persisted message by message, replies streamed
 * as Server-Sent Events, the recent context kept in the AI session (ai/session.ts).
 *
 * Order of writes for one turn: the user's message is stored before the model is called; the
 * reply is stored when the stream ends — complete, or with `metadata.incomplete = true` and the
 * reason when a provider error or a cancel cut it off. Nothing half-written is ever stored as complete.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { ConversationApi, MessageApi } from '../../../../shared/contracts/conversations';
import { chatEventSchemas, conversationEndpoints, type ChatEventName } from '../../../../shared/contracts/conversations';
import type { z } from 'zod';
import type { Language } from '../../../../shared/i18n';
import { defaultModelFactory, modelConfigOf, recordUsage, type AssistantModelConfig } from '../../ai/assistants';
import { AiError, aiErrorSentence } from '../../ai/errors';
import { systemPrompt } from '../../ai/prompt';
import { streamReply } from '../../ai/stream-reply';
import type { TokenUsage } from '../../ai/provider';
import { dropContext, loadContext, saveContext, type SessionMessage } from '../../ai/session';
import type { Db } from '../../db/database';
import { aiAssistants, conversations, messages, personas, roles } from '../../db/schema';
import { indexPendingMessages, messageSearchVector, parseMessageQuery, searchMessages } from '../../search/messages';
import { QueryError } from '../../search/query';
import type { AppDeps } from '../app';
import { ApiError, conflict, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { countRows, iso } from './list';
import { preferredLanguage } from './preferences';

type ConversationRow = typeof conversations.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

const messageCount = sql<number>`(select count(*) from messages m where m.conversation_id = conversations.id)`.mapWith(Number);
const lastMessageAt = sql<string | null>`(select max(m.created_at) from messages m where m.conversation_id = conversations.id)`;

export function conversationColumns() {
  const { id, title, conversationType, status, createdBy, participantAssistantIds, metadata, createdAt, updatedAt, deletedAt } = conversations;
  return { id, title, conversationType, status, createdBy, participantAssistantIds, metadata, createdAt, updatedAt, deletedAt, messageCount, lastMessageAt };
}

export const toApi = (c: ConversationRow & { messageCount: number; lastMessageAt: string | Date | null }): ConversationApi => ({
  id: c.id,
  title: c.title,
  assistantId: c.participantAssistantIds?.[0] ?? 0,
  status: c.status === 'archived' ? 'archived' : 'active',
  messageCount: c.messageCount,
  lastMessageAt: c.lastMessageAt ? iso(c.lastMessageAt) : null,
  metadata: (c.metadata ?? {}) as Record<string, unknown>,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

function usageOf(meta: Record<string, unknown>): TokenUsage | null {
  const u = meta.usage as Partial<TokenUsage> | undefined;
  if (!u || typeof u !== 'object') return null;
  return { inputTokens: Number(u.inputTokens) || 0, outputTokens: Number(u.outputTokens) || 0, totalTokens: Number(u.totalTokens) || 0 };
}

export const messageToApi = (m: MessageRow): MessageApi => {
  const meta = (m.metadata ?? {}) as Record<string, unknown>;
  return {
    id: m.id,
    conversationId: m.conversationId,
    role: m.senderType,
    senderId: m.senderId,
    content: m.content,
    incomplete: meta.incomplete === true,
    reason: typeof meta.reason === 'string' ? meta.reason : null,
    usage: usageOf(meta),
    createdAt: iso(m.createdAt),
  };
};

const live = (id: number) => and(eq(conversations.id, id), isNull(conversations.deletedAt));

async function findConversation(db: Db, id: number) {
  const [row] = await db.select(conversationColumns()).from(conversations).where(live(id));
  if (!row) throw notFound('Conversation', id);
  return row;
}

/** The assistant of a conversation, which must still exist and be active to be talked to. */
async function chatAssistant(db: Db, assistantId: number) {
  const [row] = await db.select().from(aiAssistants).where(eq(aiAssistants.id, assistantId));
  if (!row || row.deletedAt) throw conflict('assistant_deleted', `Assistant ${assistantId} of this conversation was deleted; start a new conversation with another assistant`);
  if (!row.isActive) throw conflict('assistant_inactive', `Assistant "${row.name}" is inactive; activate it (PATCH /api/v1/assistants/${row.id} with isActive: true) to chat with it`);
  return row;
}

/** The persona behind an assistant, for its system prompt (also used by plan drafting). */
export async function personaParts(db: Db, assistant: typeof aiAssistants.$inferSelect) {
  const base = { assistantName: assistant.name, assistantDescription: assistant.description };
  if (!assistant.personaId) return base;
  const [p] = await db
    .select({ name: personas.name, personality: personas.personality, description: personas.description, roleName: roles.name, roleDescription: roles.description })
    .from(personas)
    .leftJoin(roles, eq(roles.id, personas.roleId))
    .where(and(eq(personas.id, assistant.personaId), isNull(personas.deletedAt)));
  if (!p) return base;
  return { ...base, personaName: p.name, personality: p.personality, personaDescription: p.description, roleName: p.roleName, roleDescription: p.roleDescription };
}

export function conversationRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps.database;
  const { cache, secrets, log } = deps;
  const models = deps.models ?? defaultModelFactory(log);

  // Before /conversations/:id, which would otherwise take "search" for an id.
  register(app, conversationEndpoints.search, async ({ query }) => {
    let parsed;
    try {
      parsed = parseMessageQuery(query.q);
    } catch (e) {
      if (e instanceof QueryError) throw new ApiError(400, 'invalid_query', e.message);
      throw e;
    }
    // Messages written before their search column existed are indexed first (usually none).
    await indexPendingMessages(db);
    const page = await searchMessages(db, parsed, query.limit, query.offset);
    return {
      items: page.hits.map((h) => ({ ...h, snippet: h.snippet.text, highlights: h.snippet.highlights, createdAt: iso(h.createdAt) })),
      total: page.total,
      totalExact: page.totalExact,
      ...(parsed.ignored.length ? { ignored: parsed.ignored } : {}),
    };
  });

  register(app, conversationEndpoints.list, async ({ query }) => {
    const where = and(
      isNull(conversations.deletedAt),
      query.status === undefined ? undefined : eq(conversations.status, query.status),
      query.assistantId === undefined ? undefined : sql`${conversations.participantAssistantIds} @> ARRAY[${query.assistantId}]::bigint[]`,
    );
    const rows = await db.select(conversationColumns()).from(conversations).where(where).orderBy(desc(conversations.updatedAt), desc(conversations.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(toApi), total: await countRows(db, conversations, where) };
  });

  register(app, conversationEndpoints.get, async ({ params }) => toApi(await findConversation(db, params.id)));

  register(app, conversationEndpoints.create, async ({ body }) => {
    const [assistant] = await db.select().from(aiAssistants).where(and(eq(aiAssistants.id, body.assistantId), isNull(aiAssistants.deletedAt)));
    if (!assistant) throw new ApiError(400, 'unknown_reference', `assistantId ${body.assistantId} does not exist; list assistants with GET /api/v1/assistants`);
    if (!assistant.isActive) throw conflict('assistant_inactive', `Assistant "${assistant.name}" is inactive; activate it first`);
    const [row] = await db
      .insert(conversations)
      .values({ title: body.title ?? null, conversationType: 'chat', createdBy: deps.localUserId, participantAssistantIds: [assistant.id] })
      .returning();
    return toApi({ ...row!, messageCount: 0, lastMessageAt: null });
  });

  register(app, conversationEndpoints.update, async ({ params, body }) => {
    const [row] = await db.update(conversations).set(body).where(live(params.id)).returning({ id: conversations.id });
    if (!row) throw notFound('Conversation', params.id);
    return toApi(await findConversation(db, params.id));
  });

  register(app, conversationEndpoints.remove, async ({ params }) => {
    const [row] = await db
      .update(conversations)
      .set({ deletedAt: sql`now()`, status: 'deleted' })
      .where(live(params.id))
      .returning({ id: conversations.id, assistants: conversations.participantAssistantIds });
    if (!row) throw notFound('Conversation', params.id);
    for (const a of row.assistants ?? []) await dropContext(cache, a, row.id);
    return undefined;
  });

  register(app, conversationEndpoints.listMessages, async ({ params, query }) => {
    await findConversation(db, params.id);
    const where = eq(messages.conversationId, params.id);
    const rows = await db.select().from(messages).where(where).orderBy(asc(messages.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(messageToApi), total: await countRows(db, messages, where) };
  });

  register(app, conversationEndpoints.send, async ({ params, body }, c) => {
    const conversation = await findConversation(db, params.id);
    if (conversation.status === 'archived') throw conflict('conversation_archived', 'This conversation is archived; unarchive it (PATCH status: "active") to continue it');
    const assistantId = conversation.participantAssistantIds?.[0];
    if (!assistantId) throw conflict('no_assistant', 'This conversation has no assistant');
    const assistant = await chatAssistant(db, assistantId);
    const language = await preferredLanguage(db, deps.localUserId);
    let config: AssistantModelConfig;
    try {
      config = modelConfigOf(assistant, secrets);
    } catch (e) {
      if (e instanceof AiError) throw conflict('assistant_not_configured', aiErrorSentence(e, language));
      throw e;
    }
    const [userRow] = await db
      .insert(messages)
      .values({ conversationId: conversation.id, senderType: 'user', senderId: deps.localUserId, content: body.content, searchVector: messageSearchVector(body.content) })
      .returning();
    const userMessage = userRow!;
    // An untitled conversation is named after its first question, so the history list reads well.
    if (!conversation.title) {
      const title = body.content.replace(/\s+/g, ' ').trim().slice(0, 60);
      await db.update(conversations).set({ title: title.length < body.content.trim().length ? `${title}…` : title }).where(and(eq(conversations.id, conversation.id), isNull(conversations.title)));
    }
    const [context, parts] = await Promise.all([loadContext(cache, db, assistant.id, conversation.id, userMessage.id), personaParts(db, assistant)]);
    const history: SessionMessage[] = [...context.messages, { id: userMessage.id, role: 'user', content: userMessage.content }];
    log('debug', 'chat turn', { conversationId: conversation.id, assistantId: assistant.id, context: context.source, messages: history.length });
    return chatStream(c, {
      deps,
      db,
      config,
      conversationId: conversation.id,
      userMessage,
      history,
      system: systemPrompt(parts, body.content, language),
      language,
      model: models(config),
    });
  });

  return app;
}

interface Turn {
  deps: AppDeps;
  db: Db;
  config: AssistantModelConfig;
  conversationId: number;
  userMessage: MessageRow;
  history: SessionMessage[];
  system: string;
  /** The person's language, for the sentence of a failure. */
  language: Language;
  model: ReturnType<NonNullable<AppDeps['models']>>;
}

async function send<E extends ChatEventName>(stream: SSEStreamingApi, event: E, data: z.input<(typeof chatEventSchemas)[E]>) {
  if (stream.aborted || stream.closed) return;
  await stream.writeSSE({ event, data: JSON.stringify(data) });
}

function chatStream(c: Context<AppEnv>, t: Turn): Response {
  const { db, deps, config } = t;
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    const cancel = () => controller.abort(new DOMException('client went away', 'AbortError'));
    stream.onAbort(cancel);
    c.req.raw.signal.addEventListener('abort', cancel, { once: true });
    await send(stream, 'user', { message: messageToApi(t.userMessage) });

    const { text, usage, failure, finishReason, unexpected } = await streamReply(
      t.model,
      () => ({
        system: t.system,
        messages: t.history.map(({ role, content }) => ({ role, content })),
        temperature: config.settings.temperature,
        maxOutputTokens: config.settings.maxOutputTokens,
        signal: controller.signal,
      }),
      (text) => send(stream, 'delta', { text }),
    );
    c.req.raw.signal.removeEventListener('abort', cancel);
    if (unexpected) deps.log('error', 'chat stream failed unexpectedly', { conversationId: t.conversationId, error: unexpected instanceof Error ? unexpected.stack : String(unexpected) });

    // The reply is stored either way; a cut one says so. This runs even after the client left.
    let replyId: number;
    try {
      replyId = await persistReply(t, text, usage, failure, finishReason);
    } catch (e) {
      deps.log('error', 'chat reply could not be stored', { conversationId: t.conversationId, error: e instanceof Error ? e.stack : String(e) });
      await send(stream, 'error', { code: 'internal', message: 'The reply could not be saved; see the daemon log.', messageId: null });
      return;
    }

    if (failure) {
      deps.log(failure.kind === 'cancelled' ? 'info' : 'warn', 'chat reply incomplete', { conversationId: t.conversationId, assistantId: config.assistantId, kind: failure.kind, status: failure.detail.status, cause: failure.detail.cause });
      await send(stream, 'error', { code: failure.kind, message: aiErrorSentence(failure, t.language), messageId: replyId });
    } else {
      const [reply] = await db.select().from(messages).where(eq(messages.id, replyId));
      await send(stream, 'done', { message: messageToApi(reply!), usage });
    }
  });
}

/** Stores the reply (complete, or incomplete with the reason), counts the call and updates the session. */
async function persistReply(t: Turn, text: string, usage: TokenUsage, failure: AiError | undefined, finishReason: string | undefined): Promise<number> {
  const { db, deps, config } = t;
  const metadata: Record<string, unknown> = failure
    ? { incomplete: true, reason: aiErrorSentence(failure, t.language), errorKind: failure.kind, model: t.model.id }
    : { usage, finishReason, model: t.model.id };
  const [reply] = await db
    .insert(messages)
    .values({ conversationId: t.conversationId, senderType: 'assistant', senderId: config.assistantId, content: text, metadata, searchVector: messageSearchVector(text) })
    .returning({ id: messages.id });
  await db.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, t.conversationId));
  if (!failure || failure.kind !== 'not_configured') await recordUsage(db, config.assistantId, usage);
  const next = failure ? t.history : [...t.history, { id: reply!.id, role: 'assistant' as const, content: text }];
  await saveContext(deps.cache, config.assistantId, t.conversationId, next, reply!.id);
  return reply!.id;
}
