/**
 * Librarian conversations are ordinary conversations (design §3.5: `conversations`, `messages`)
 * marked `metadata.librarian = true`, so the conversation endpoints list, rename, archive, delete
 * and search them too. A librarian answer keeps what it cited in its message's metadata
 * (`mode`, `citations` with their passages, `removedLinks`), so the history shows them even after
 * the notes change.
 */
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { citationSchema, type AnswerMode, type Citation, type LibrarianMessage } from '../../../shared/contracts/librarian';
import type { ConversationApi } from '../../../shared/contracts/conversations';
import type { AiErrorKind } from '../ai/errors';
import type { TokenUsage } from '../ai/provider';
import type { Db } from '../db/database';
import { conversations, messages } from '../db/schema';
import { messageSearchVector } from '../search/messages';
import { ApiError, conflict, notFound } from '../server/errors';
import { conversationColumns, messageToApi, toApi } from '../server/routes/conversations';
import { countRows } from '../server/routes/list';

type MessageRow = typeof messages.$inferSelect;

const isLibrarian = sql`coalesce(${conversations.metadata}->>'librarian', '') = 'true'`;
const liveLibrarian = (id: number) => and(eq(conversations.id, id), isNull(conversations.deletedAt), isLibrarian);

const citationList = z.array(citationSchema);
const modeSchema = z.enum(['vault', 'general', 'nothing_found']);

export function librarianMessageToApi(row: MessageRow): LibrarianMessage {
  const meta = (row.metadata ?? {}) as Record<string, unknown>;
  const citations = citationList.safeParse(meta.citations);
  const removed = z.array(z.string()).safeParse(meta.removedLinks);
  const mode = modeSchema.safeParse(meta.mode);
  return {
    ...messageToApi(row),
    citations: citations.success ? citations.data : [],
    removedLinks: removed.success ? removed.data : [],
    mode: row.senderType === 'assistant' && mode.success ? mode.data : null,
  };
}

export async function findLibrarianConversation(db: Db, id: number) {
  const [row] = await db.select(conversationColumns()).from(conversations).where(liveLibrarian(id));
  if (!row) throw notFound('Librarian conversation', id);
  return row;
}

export async function listLibrarianConversations(db: Db, limit: number, offset: number): Promise<{ items: ConversationApi[]; total: number }> {
  const where = and(isNull(conversations.deletedAt), isLibrarian) as SQL;
  const list = await db.select(conversationColumns()).from(conversations).where(where).orderBy(desc(conversations.updatedAt), desc(conversations.id)).limit(limit).offset(offset);
  return { items: list.map(toApi), total: await countRows(db, conversations, where) };
}

export async function librarianMessages(db: Db, conversationId: number, limit: number, offset: number): Promise<{ items: LibrarianMessage[]; total: number }> {
  await findLibrarianConversation(db, conversationId);
  const where = eq(messages.conversationId, conversationId);
  const list = await db.select().from(messages).where(where).orderBy(asc(messages.id)).limit(limit).offset(offset);
  return { items: list.map(librarianMessageToApi), total: await countRows(db, messages, where) };
}

export interface TurnStart {
  conversationId: number;
  vaultId: number;
  userMessage: MessageRow;
}

/**
 * Stores the question — in a new conversation (named after it) or at the end of `conversationId` —
 * in one transaction, before any model is called.
 */
export async function startTurn(db: Db, input: { question: string; conversationId?: number; vaultId: number; assistantId: number; userId: number }): Promise<TurnStart> {
  return db.transaction(async (tx) => {
    let conversationId = input.conversationId;
    if (conversationId === undefined) {
      const oneLine = input.question.replace(/\s+/g, ' ').trim();
      const title = oneLine.length > 60 ? `${oneLine.slice(0, 60)}…` : oneLine;
      const [c] = await tx
        .insert(conversations)
        .values({ title, conversationType: 'chat', createdBy: input.userId, participantAssistantIds: [input.assistantId], metadata: { librarian: true, vaultId: input.vaultId } })
        .returning({ id: conversations.id });
      conversationId = c!.id;
    } else {
      const [c] = await tx.select({ status: conversations.status }).from(conversations).where(liveLibrarian(conversationId)).for('update');
      if (!c) throw notFound('Librarian conversation', conversationId);
      if (c.status === 'archived') throw conflict('conversation_archived', 'This conversation is archived; unarchive it (PATCH /api/v1/conversations/:id with status "active") to continue it');
    }
    const [userMessage] = await tx
      .insert(messages)
      .values({ conversationId, senderType: 'user', senderId: input.userId, content: input.question, metadata: { librarian: true }, searchVector: messageSearchVector(input.question) })
      .returning();
    await tx.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, conversationId));
    return { conversationId, vaultId: input.vaultId, userMessage: userMessage! };
  });
}

/** The vault a continued conversation was about (given when it started). */
export function conversationVault(metadata: unknown): number | undefined {
  const v = (metadata as { vaultId?: unknown } | null)?.vaultId;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export interface AnswerRecord {
  conversationId: number;
  assistantId: number;
  text: string;
  mode: AnswerMode;
  citations: Citation[];
  removedLinks: string[];
  usage: TokenUsage;
  model: string | null;
  finishReason?: string;
  /** Set when the answer was cut off: it is stored as incomplete, with the reason (in the person's language). */
  failure?: { kind: AiErrorKind; reason: string };
}

/** Stores the answer (complete, or incomplete with the reason) and returns it. */
export async function storeAnswer(db: Db, a: AnswerRecord): Promise<MessageRow> {
  const base = { librarian: true, mode: a.mode, citations: a.citations, removedLinks: a.removedLinks, model: a.model };
  const metadata = a.failure
    ? { ...base, incomplete: true, reason: a.failure.reason, errorKind: a.failure.kind }
    : { ...base, usage: a.usage, finishReason: a.finishReason ?? null };
  const [row] = await db.insert(messages).values({ conversationId: a.conversationId, senderType: 'assistant', senderId: a.assistantId, content: a.text, metadata, searchVector: messageSearchVector(a.text) }).returning();
  await db.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, a.conversationId));
  if (!row) throw new ApiError(500, 'internal', 'The answer could not be stored');
  return row;
}
