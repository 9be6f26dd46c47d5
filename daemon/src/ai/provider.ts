/**
 * The one interface every part of the daemon talks to a language model through. The real
 * implementation (`sdk-model.ts`) sits on the AI SDK; tests use a scripted fake that fails closed
 * (daemon/test/ai/scripted-model.ts). Nothing outside daemon/src/ai knows which provider answers.
 */
import type { z } from 'zod';

export type ChatRole = 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatRequest {
  /** The system prompt (persona, language, instructions). */
  system?: string;
  /** The conversation so far, oldest first, ending with the user's turn. */
  messages: ChatMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  /** Aborts the call (the client went away); the call then fails with AiError kind 'cancelled'. */
  signal?: AbortSignal;
}

/** Tokens of one call; 0 when the provider did not report them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'other';

export interface GenerateResult {
  text: string;
  usage: TokenUsage;
  finishReason: FinishReason;
}

export interface ObjectResult<T> {
  object: T;
  usage: TokenUsage;
}

/** A piece of a streamed reply. */
export interface TextDelta {
  type: 'text';
  text: string;
}

/**
 * A streamed reply: iterate `chunks` for the text as it arrives; `final` settles when the stream
 * ended normally (with the whole text and the usage) and rejects with an AiError when it did not
 * (the iteration then throws the same error). A consumer that stops iterating early cancels the call.
 */
export interface ChatStream {
  chunks: AsyncIterable<TextDelta>;
  final: Promise<GenerateResult>;
}

/**
 * A structured reply streamed: `partials` yields the object as it grows (parsed from the JSON
 * received so far, not validated; each a new object), `final` settles with the object validated by
 * the schema, or rejects with an AiError — kind 'schema_mismatch' (with `detail.replyText` and
 * `detail.usage`) when the whole reply does not fit. No second chance is taken: the caller decides.
 * A consumer that stops iterating early cancels the call.
 */
export interface ObjectStream<T> {
  partials: AsyncIterable<unknown>;
  final: Promise<ObjectResult<T>>;
}

export interface ChatModel {
  /** "openai:gpt-4o-mini" — for logs and error messages. */
  readonly id: string;
  generate(req: ChatRequest): Promise<GenerateResult>;
  stream(req: ChatRequest): ChatStream;
  /** The reply parsed as JSON and validated by `schema`; a reply that does not fit fails with kind 'schema_mismatch'. */
  generateObject<S extends z.ZodType>(req: ChatRequest, schema: S, options?: { name?: string; description?: string }): Promise<ObjectResult<z.output<S>>>;
  /** Like generateObject, streamed, so a long field (a discussion turn's content) can be shown as it arrives. */
  streamObject<S extends z.ZodType>(req: ChatRequest, schema: S, options?: { name?: string; description?: string }): ObjectStream<z.output<S>>;
}

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, totalTokens: a.totalTokens + b.totalTokens };
}
