/**
 * One streamed reply, as the chat and the librarian both run it: each piece of text is passed on
 * as it arrives, and the call never throws. A provider failure or a cancel comes back as
 * `failure` with the text received so far (stored as incomplete by the caller); anything else that
 * threw (building the request, passing text on) becomes a `bad_response` failure and is also given
 * as `unexpected`, for the caller's log.
 */
import { AiError } from './errors';
import { ZERO_USAGE, type ChatModel, type ChatRequest, type TokenUsage } from './provider';

export interface StreamedReply {
  text: string;
  usage: TokenUsage;
  finishReason?: string;
  failure?: AiError;
  unexpected?: unknown;
}

export async function streamReply(model: ChatModel, request: () => ChatRequest | Promise<ChatRequest>, onText: (text: string) => Promise<void>): Promise<StreamedReply> {
  let text = '';
  try {
    const s = model.stream(await request());
    for await (const chunk of s.chunks) {
      text += chunk.text;
      await onText(chunk.text);
    }
    const final = await s.final;
    return { text: final.text || text, usage: final.usage, finishReason: final.finishReason };
  } catch (e) {
    if (e instanceof AiError) return { text, usage: ZERO_USAGE, failure: e };
    return { text, usage: ZERO_USAGE, failure: new AiError({ kind: 'bad_response', who: model.id }, { cause: String(e) }), unexpected: e };
  }
}
