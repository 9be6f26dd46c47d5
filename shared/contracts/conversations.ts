import { z } from 'zod';
import { tokenUsageSchema } from './assistants';
import { endpoint } from './endpoint';
import { id, idParams, jsonObject, nonEmptyPatch, optionalText, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';
import { snippetSchema } from './search';

/** The longest message a person can send (characters); longer ones are refused with 400. */
export const MAX_MESSAGE_CHARS = 20_000;

export const CONVERSATION_STATUSES = ['active', 'archived'] as const;

export const conversationSchema = z.object({
  id,
  title: z.string().nullable(),
  assistantId: id,
  status: z.enum(CONVERSATION_STATUSES),
  messageCount: z.number().int(),
  lastMessageAt: timestamp.nullable(),
  metadata: jsonObject,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ConversationApi = z.output<typeof conversationSchema>;

export const conversationCreateSchema = z
  .object({
    assistantId: id,
    title: optionalText(200, 'title').optional(),
  })
  .strict();

export const conversationUpdateSchema = nonEmptyPatch(
  z.object({
    title: optionalText(200, 'title'),
    status: z.enum(CONVERSATION_STATUSES),
  }),
);

export const conversationListQuerySchema = pageQuerySchema.extend({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assistantId: z.coerce.number({ error: 'assistantId must be a number' }).int().positive().optional(),
});

export const messageSchema = z.object({
  id,
  conversationId: id,
  role: z.enum(['user', 'assistant', 'system']),
  /** users.id or ai_assistants.id depending on role. */
  senderId: id.nullable(),
  content: z.string(),
  /** True for a reply cut off by a provider error or a cancel; `reason` says why. */
  incomplete: z.boolean(),
  reason: z.string().nullable(),
  usage: tokenUsageSchema.nullable(),
  createdAt: timestamp,
});
export type MessageApi = z.output<typeof messageSchema>;

export const messageCreateSchema = z
  .object({
    content: z
      .string()
      .refine((v) => v.trim().length > 0, 'content must not be empty')
      .refine((v) => v.length <= MAX_MESSAGE_CHARS, `content must be at most ${MAX_MESSAGE_CHARS} characters`),
  })
  .strict();

export const messageListQuerySchema = pageQuerySchema.extend({ limit: pageQuerySchema.shape.limit.default(200) });

export const conversationSearchQuerySchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(500, 'q must be at most 500 characters'),
  limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(100).default(20),
  offset: z.coerce.number({ error: 'offset must be a number' }).int().min(0).default(0),
});

export const conversationSearchHitSchema = z.object({
  conversationId: id,
  conversationTitle: z.string().nullable(),
  messageId: id,
  role: z.enum(['user', 'assistant', 'system']),
  /** About 180 characters of the message around its first match (plain text). */
  snippet: z.string(),
  /** The matched terms in `snippet`, as [start, end) UTF-16 offsets (as the notes' search snippets). */
  highlights: snippetSchema.shape.highlights,
  /** ts_rank of the message for the query (higher first), as the notes' search. */
  score: z.number(),
  createdAt: timestamp,
});

export const conversationSearchResponseSchema = listOf(conversationSearchHitSchema).extend({
  /** False when there are more matches than `total` (counting stops at 1,000). */
  totalExact: z.boolean(),
  /** Parts of the query that were ignored (more than 32 terms). */
  ignored: z.array(z.string()).optional(),
});

/**
 * The events of `POST /conversations/:id/messages` (text/event-stream), in order:
 * `user` (the stored question) → `delta`* (text as it arrives) → `done` (the stored reply) or
 * `error` (one sentence, and the reply stored as incomplete when any text had arrived or the cut is worth showing).
 */
export const chatEventSchemas = {
  user: z.object({ message: messageSchema }),
  delta: z.object({ text: z.string() }),
  done: z.object({ message: messageSchema, usage: tokenUsageSchema }),
  error: z.object({ code: z.string(), message: z.string(), messageId: id.nullable() }),
};
export type ChatEventName = keyof typeof chatEventSchemas;

export const conversationEndpoints = {
  search: endpoint({ method: 'get', path: '/conversations/search', tag: 'conversations', summary: "Search messages of every conversation (Japanese and English; the notes' query language), ranked, with snippets", query: conversationSearchQuerySchema, response: conversationSearchResponseSchema }),
  list: endpoint({ method: 'get', path: '/conversations', tag: 'conversations', summary: 'List conversations, newest first', query: conversationListQuerySchema, response: listOf(conversationSchema) }),
  get: endpoint({ method: 'get', path: '/conversations/:id', tag: 'conversations', summary: 'Get a conversation', params: idParams, response: conversationSchema }),
  create: endpoint({ method: 'post', path: '/conversations', tag: 'conversations', summary: 'Start a conversation with one assistant', body: conversationCreateSchema, response: conversationSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/conversations/:id', tag: 'conversations', summary: 'Rename, archive or unarchive a conversation', params: idParams, body: conversationUpdateSchema, response: conversationSchema }),
  remove: endpoint({ method: 'delete', path: '/conversations/:id', tag: 'conversations', summary: 'Delete a conversation (soft delete)', params: idParams, status: 204 }),
  listMessages: endpoint({ method: 'get', path: '/conversations/:id/messages', tag: 'conversations', summary: 'The messages of a conversation, oldest first', params: idParams, query: messageListQuerySchema, response: listOf(messageSchema) }),
  send: endpoint({
    method: 'post',
    path: '/conversations/:id/messages',
    tag: 'conversations',
    summary: "Send a message; the assistant's reply streams back as Server-Sent Events (user, delta…, done | error)",
    params: idParams,
    body: messageCreateSchema,
    response: z.string().describe('event: user | delta | done | error, each with a JSON data line (chatEventSchemas)'),
    contentType: 'text/event-stream',
  }),
};
