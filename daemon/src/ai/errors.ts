/**
 * The one error every model call fails with: a kind the code can branch on and the words of a plain
 * sentence for the person (never a stack trace, never the provider's raw body, never the key).
 */
import { APICallError, NoObjectGeneratedError, RetryError } from 'ai';
import { aiErrorSentence, type AiErrorWords, type AiWho } from '../../../shared/i18n/ai-error-sentence';

export { aiErrorSentence, type AiErrorWords, type AiWho };

export const AI_ERROR_KINDS = [
  'unreachable',
  'timeout',
  'unauthorized',
  'rate_limited',
  'provider_error',
  'bad_request',
  'bad_response',
  'schema_mismatch',
  'cancelled',
  'not_configured',
] as const;
export type AiErrorKind = (typeof AI_ERROR_KINDS)[number];

/**
 * `message` is the English sentence (for the log); `words` let the sentence be told again in the
 * person's language where it leaves the daemon (`aiErrorSentence(error, language)`).
 */
export class AiError extends Error {
  readonly kind: AiErrorKind;

  constructor(
    /** Mutable only through `redact`. */
    private wording: AiErrorWords,
    /** Mutable only through `redact`. */
    readonly detail: {
      /** HTTP status of the provider's answer, when there was one. */
      status?: number;
      /** Milliseconds the provider asked us to wait (Retry-After). */
      retryAfterMs?: number;
      /** Internal detail for the log (already free of secrets); never sent to the client. */
      cause?: string;
      /** The model's reply that failed its schema (to show it back once). */
      replyText?: string;
      /** Tokens the failed call used, when the provider reported them (a reply that failed its schema). */
      usage?: { inputTokens: number; outputTokens: number; totalTokens: number };
    } = {},
  ) {
    super(aiErrorSentence({ words: wording }, 'en'));
    this.name = 'AiError';
    this.kind = wording.kind;
  }

  get words(): AiErrorWords {
    return this.wording;
  }

  /** Worth another try with backoff: rate limits, 5xx, a dropped connection. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'provider_error' || this.kind === 'unreachable';
  }

  /** Removes a secret a provider (or a proxy) echoed back, from everything that can travel on. */
  redact(secret: string): this {
    const scrub = <T extends string | undefined>(text: T): T => (text?.includes(secret) ? (text.split(secret).join('[redacted]') as T) : text);
    this.message = scrub(this.message);
    this.detail.cause = scrub(this.detail.cause);
    this.detail.replyText = scrub(this.detail.replyText);
    const w = this.wording;
    if (w.kind === 'bad_request') this.wording = { ...w, hint: scrub(w.hint) };
    if (w.kind === 'schema_mismatch') this.wording = { ...w, reason: scrub(w.reason) };
    return this;
  }
}

export function isAiError(e: unknown): e is AiError {
  return e instanceof AiError;
}

/**
 * The provider's own error text: `error.message` as the SDK parsed it, or, from a body the SDK's
 * schema did not fit, `{ "error": "…" }` (text-embeddings-inference, LM Studio), `{ "message": "…" }`
 * (vLLM) or `{ "detail": "…" }` (FastAPI servers), so a local server's "input too long" or "model
 * not found" is not lost.
 */
function providerText(e: APICallError): string | undefined {
  const data = e.data as { error?: { message?: unknown } } | undefined;
  if (typeof data?.error?.message === 'string') return data.error.message;
  let body: unknown;
  try {
    body = e.responseBody ? JSON.parse(e.responseBody) : undefined;
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message, detail } = body as { error?: unknown; message?: unknown; detail?: unknown };
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  if (typeof message === 'string') return message;
  return typeof detail === 'string' ? detail : undefined;
}

/** Keeps a provider's own error text short and readable (it can hint at a wrong model name). */
function providerHint(e: APICallError): string | undefined {
  const raw = providerText(e);
  if (!raw) return undefined;
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers['retry-after-ms'];
  if (ms && !Number.isNaN(Number(ms))) return Math.max(0, Number(ms));
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const NETWORK_CODES = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CONNECT|fetch failed|Cannot connect/i;

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? ` (cause: ${e.cause.message})` : '';
    return `${e.name}: ${e.message}${cause}`.slice(0, 500);
  }
  return String(e).slice(0, 500);
}

/**
 * Maps whatever a provider call threw (AI SDK errors, fetch errors, aborts) to an AiError.
 * `aborted` tells whether the caller's signal fired (cancelled) as opposed to our timeout.
 */
export function toAiError(e: unknown, who: AiWho, context: { cancelled?: boolean; timedOutAfterMs?: number } = {}): AiError {
  if (e instanceof AiError) return e;
  if (context.cancelled) return new AiError({ kind: 'cancelled' }, { cause: describe(e) });
  if (context.timedOutAfterMs !== undefined) return new AiError({ kind: 'timeout', who, ms: context.timedOutAfterMs }, { cause: describe(e) });
  if (RetryError.isInstance(e)) return toAiError(e.lastError, who, context);
  if (NoObjectGeneratedError.isInstance(e)) {
    const reason = e.cause instanceof Error ? e.cause.message.split('\n')[0]!.slice(0, 200) : undefined;
    return new AiError({ kind: 'schema_mismatch', who, reason }, { cause: describe(e), replyText: e.text });
  }
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    const detail = { status, retryAfterMs: retryAfterMs(e.responseHeaders), cause: describe(e) };
    if (status === undefined) {
      if (NETWORK_CODES.test(describe(e))) return new AiError({ kind: 'unreachable', who }, detail);
      return new AiError({ kind: 'bad_response', who }, detail);
    }
    if (status === 401 || status === 403) return new AiError({ kind: 'unauthorized', who }, detail);
    // Gemini answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID.
    if (status === 400 && /API_KEY_INVALID|API key not valid/i.test(e.responseBody ?? '')) return new AiError({ kind: 'unauthorized', who }, detail);
    if (status === 429) return new AiError({ kind: 'rate_limited', who }, detail);
    if (status === 408) return new AiError({ kind: 'timeout', who }, detail);
    if (status >= 500) return new AiError({ kind: 'provider_error', who, status }, detail);
    if (status >= 200 && status < 300) return new AiError({ kind: 'bad_response', who }, detail);
    return new AiError({ kind: 'bad_request', who, status, hint: providerHint(e) }, detail);
  }
  const text = describe(e);
  if (NETWORK_CODES.test(text)) return new AiError({ kind: 'unreachable', who }, { cause: text });
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new AiError({ kind: 'cancelled' }, { cause: text });
  }
  // JSON parse errors, type validation of the provider's response, an empty response body…
  return new AiError({ kind: 'bad_response', who }, { cause: text });
}
