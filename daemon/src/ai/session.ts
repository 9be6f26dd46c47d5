/**
 * The AI session of a conversation: its recent context under `ai_session:{assistant}:{session}`
 * (design §13.2.2, TTL one hour), so a chat does not re-read PostgreSQL on every message.
 * PostgreSQL stays the record: a session that is missing (expired, Redis lost or down) or that no
 * longer ends where the conversation does is rebuilt from the messages table.
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { aiSessionKey, AI_SESSION_TTL } from '../cache/keys';
import type { CacheStore } from '../cache/store';
import type { Db } from '../db/database';
import { messages } from '../db/schema';
import { fitHistory, HISTORY_MAX_MESSAGES } from './prompt';
import type { ChatMessage } from './provider';

export interface SessionMessage extends ChatMessage {
  id: number;
}

const sessionSchema = z.object({
  v: z.literal(1),
  conversationId: z.number(),
  /** The newest message of the conversation when the session was written (complete or not). */
  lastMessageId: z.number().nullable(),
  messages: z.array(z.object({ id: z.number(), role: z.enum(['user', 'assistant']), content: z.string() })),
});
export type SessionState = z.output<typeof sessionSchema>;

export function sessionKey(assistantId: number, conversationId: number): string {
  return aiSessionKey(String(assistantId), String(conversationId));
}

/** Messages that make sense to show the model again: complete replies and the user's turns. */
function usable(row: { senderType: string; metadata: Record<string, unknown> | null }): boolean {
  if (row.senderType === 'user') return true;
  return row.senderType === 'assistant' && row.metadata?.incomplete !== true;
}

/** The context from PostgreSQL: the newest messages before `beforeId`, within the budget. */
export async function historyFromDatabase(db: Db, conversationId: number, beforeId?: number): Promise<{ messages: SessionMessage[]; lastMessageId: number | null }> {
  const rows = await db
    .select({ id: messages.id, senderType: messages.senderType, content: messages.content, metadata: messages.metadata })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), beforeId === undefined ? undefined : lt(messages.id, beforeId)))
    .orderBy(desc(messages.id))
    .limit(HISTORY_MAX_MESSAGES * 2);
  const list = rows
    .filter(usable)
    .reverse()
    .map((r) => ({ id: r.id, role: r.senderType === 'user' ? ('user' as const) : ('assistant' as const), content: r.content }));
  return { messages: fitHistory(list), lastMessageId: rows[0]?.id ?? null };
}

export interface SessionLoad {
  messages: SessionMessage[];
  /** Where the context came from, for logs and tests. */
  source: 'cache' | 'database';
}

/**
 * The context before the new user message `userMessageId`. The cached session is used only when
 * it ends exactly at the message before it; otherwise the context is rebuilt from PostgreSQL.
 */
export async function loadContext(cache: CacheStore, db: Db, assistantId: number, conversationId: number, userMessageId: number): Promise<SessionLoad> {
  const fromDb = () => historyFromDatabase(db, conversationId, userMessageId);
  let cached: SessionState | undefined;
  try {
    const raw = await cache.get(sessionKey(assistantId, conversationId));
    const parsed = raw ? sessionSchema.safeParse(JSON.parse(raw)) : undefined;
    if (parsed?.success && parsed.data.conversationId === conversationId) cached = parsed.data;
  } catch {
    cached = undefined; // unreadable or a cache fault: the database has it all
  }
  if (cached) {
    const [prev] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), lt(messages.id, userMessageId)))
      .orderBy(desc(messages.id))
      .limit(1);
    if ((prev?.id ?? null) === cached.lastMessageId) return { messages: cached.messages, source: 'cache' };
  }
  return { messages: (await fromDb()).messages, source: 'database' };
}

/** Writes the session after a turn; a cache that is down just drops it (it is rebuilt next time). */
export async function saveContext(cache: CacheStore, assistantId: number, conversationId: number, context: SessionMessage[], lastMessageId: number): Promise<void> {
  const state: SessionState = { v: 1, conversationId, lastMessageId, messages: fitHistory(context) };
  await cache.set(sessionKey(assistantId, conversationId), JSON.stringify(state), AI_SESSION_TTL).catch(() => undefined);
}

export async function dropContext(cache: CacheStore, assistantId: number, conversationId: number): Promise<void> {
  await cache.del(sessionKey(assistantId, conversationId)).catch(() => 0);
}
