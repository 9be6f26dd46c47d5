/**
 * Words for an AI failure: the kind and the parameters of the sentence, so the same failure can be
 * told in English (the log, `AiError.message`) and in the language of the person who reads it.
 */
import { format, MESSAGES, type Language } from './index';

/** Who failed: a name as is ("OpenAI (gpt-4o-mini)"), or an OpenAI-compatible server at a URL. */
export type AiWho = string | { server: string; model: string };

export type AiErrorWords =
  | { kind: 'unreachable'; who: AiWho }
  /** `ms` absent: the provider itself answered 408 (no limit of ours to name). */
  | { kind: 'timeout'; who: AiWho; ms?: number }
  | { kind: 'unauthorized'; who: AiWho }
  | { kind: 'rate_limited'; who: AiWho }
  | { kind: 'provider_error'; who: AiWho; status?: number }
  /** `hint`: the provider's own short error text (it can name a wrong model). */
  | { kind: 'bad_request'; who: AiWho; status?: number; hint?: string }
  /** `truncated`: the stream ended before the provider said it had finished. */
  | { kind: 'bad_response'; who: AiWho; truncated?: boolean }
  /** `reason`: what did not fit (a path and zod's message); absent when the reply was not JSON at all. */
  | { kind: 'schema_mismatch'; who: AiWho; reason?: string }
  | { kind: 'cancelled' }
  /** `name`: the assistant, when the sentence should name it. */
  | { kind: 'not_configured'; problem: 'key_missing'; who: AiWho; name?: string }
  | { kind: 'not_configured'; problem: 'no_secret_key' }
  | { kind: 'not_configured'; problem: 'key_unreadable'; name: string };

/** The failure as one sentence in `language` (whole, ending with what to do where there is something to do). */
export function aiErrorSentence(error: { readonly words: AiErrorWords }, language: Language): string {
  const sentence = uncapitalized(error.words, MESSAGES[language]);
  // English: "the model server at …" starts some sentences and stands inside others.
  return language === 'en' ? sentence.charAt(0).toUpperCase() + sentence.slice(1) : sentence;
}

function uncapitalized(w: AiErrorWords, m: (typeof MESSAGES)[Language]): string {
  const who = (value: AiWho) => (typeof value === 'string' ? value : format(m['ai.who.server'], value));
  const status = (value: number | undefined) => (value ? format(m['ai.error.part.status'], { status: value }) : '');
  switch (w.kind) {
    case 'unreachable':
      return format(m['ai.error.unreachable'], { who: who(w.who) });
    case 'timeout':
      return w.ms === undefined
        ? format(m['ai.error.timeout.provider'], { who: who(w.who) })
        : format(m['ai.error.timeout'], { who: who(w.who), seconds: Math.round(w.ms / 1000) });
    case 'unauthorized':
      return format(m['ai.error.unauthorized'], { who: who(w.who) });
    case 'rate_limited':
      return format(m['ai.error.rate-limited'], { who: who(w.who) });
    case 'provider_error':
      return format(m['ai.error.provider-error'], { who: who(w.who), status: status(w.status) });
    case 'bad_request': {
      const hint = w.hint ? format(m['ai.error.part.hint'], { hint: w.hint.replace(/[.。]\s*$/, '') }) : '';
      return format(m['ai.error.bad-request'], { who: who(w.who), status: status(w.status), hint });
    }
    case 'bad_response':
      return format(m[w.truncated ? 'ai.error.truncated' : 'ai.error.bad-response'], { who: who(w.who) });
    case 'schema_mismatch':
      return format(m['ai.error.schema-mismatch'], { who: who(w.who), reason: w.reason ?? m['ai.error.schema-mismatch.not-json'] });
    case 'cancelled':
      return m['ai.error.cancelled'];
    case 'not_configured':
      if (w.problem === 'no_secret_key') return m['ai.error.no-secret-key'];
      if (w.problem === 'key_unreadable') return format(m['ai.error.key-unreadable'], { name: w.name });
      return w.name === undefined
        ? format(m['ai.error.key-missing'], { who: who(w.who) })
        : format(m['ai.error.key-missing.named'], { who: who(w.who), name: w.name });
  }
}
