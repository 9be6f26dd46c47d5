/**
 * One structured turn: the model's reply streamed as a growing object (its text field passed on as
 * it arrives), validated with zod, and retried once with the reason when it does not fit. Returns
 * the object, or a failure: `schema` (two misfits) or `provider` (the provider failed after its
 * own retries). A cancelled call (the engine stopping) is thrown, so nothing is stored for it.
 */
import type { z } from 'zod';
import type { Language } from '../../../shared/i18n';
import { AiError, aiErrorSentence } from '../ai/errors';
import { addUsage, ZERO_USAGE, type ChatModel, type ChatRequest, type TokenUsage } from '../ai/provider';
import { streamedText } from './outputs';

export interface TurnCall<S extends z.ZodType> {
  model: ChatModel;
  request: ChatRequest;
  schema: S;
  /** The output field streamed to the clients. */
  textField: 'content' | 'summary';
  /** An attempt starts (1, then 2 after a misfit): clients drop the text of the earlier attempt. */
  onAttempt: (attempt: number) => void;
  /** More of the text field arrived. */
  onText: (delta: string) => void;
  /** The person's language, for the reason of a failure. */
  language: Language;
}

export type TurnOutcome<T> =
  | { ok: true; object: T; usage: TokenUsage; calls: TokenUsage[] }
  | { ok: false; failure: { kind: 'schema' | 'provider'; reason: string }; error: AiError; usage: TokenUsage; calls: TokenUsage[] };

/** Attempts per turn: the first and one retry after a schema misfit. */
export const TURN_ATTEMPTS = 2;

export async function runTurn<S extends z.ZodType>(call: TurnCall<S>): Promise<TurnOutcome<z.output<S>>> {
  const calls: TokenUsage[] = [];
  let request = call.request;
  for (let attempt = 1; ; attempt++) {
    call.onAttempt(attempt);
    let error: AiError;
    try {
      const stream = call.model.streamObject(request, call.schema, { name: call.textField === 'summary' ? 'judgement' : 'turn' });
      let shown = '';
      for await (const partial of stream.partials) {
        const text = streamedText(partial, call.textField);
        // The text only grows while a string is being received; anything else waits for the final object.
        if (text !== undefined && text.length > shown.length && text.startsWith(shown)) {
          call.onText(text.slice(shown.length));
          shown = text;
        }
      }
      const result = await stream.final;
      calls.push(result.usage);
      return { ok: true, object: result.object, usage: calls.reduce(addUsage, ZERO_USAGE), calls };
    } catch (e) {
      error = e instanceof AiError ? e : new AiError({ kind: 'bad_response', who: call.model.id }, { cause: e instanceof Error ? e.message : String(e) });
    }
    if (error.kind === 'cancelled') throw error;
    // A call that never reached the provider (no key) costs nothing and is not counted.
    if (error.kind !== 'not_configured') calls.push(error.detail.usage ?? ZERO_USAGE);
    const usage = calls.reduce(addUsage, ZERO_USAGE);
    if (error.kind !== 'schema_mismatch') return { ok: false, failure: { kind: 'provider', reason: aiErrorSentence(error, call.language) }, error, usage, calls };
    if (attempt >= TURN_ATTEMPTS) return { ok: false, failure: { kind: 'schema', reason: aiErrorSentence(error, call.language) }, error, usage, calls };
    request = {
      ...call.request,
      messages: [
        ...call.request.messages,
        ...(error.detail.replyText ? [{ role: 'assistant' as const, content: error.detail.replyText }] : []),
        { role: 'user', content: `That answer did not match the required JSON structure (${error.message}). Reply again with only the JSON object, with every field.` },
      ],
    };
  }
}
