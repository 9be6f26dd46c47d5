/**
 * The one error every model call fails with: a kind the code can branch on and a plain sentence
 * for the person (never a stack trace, never the provider's raw body, never the key).
 */
import { APICallError, NoObjectGeneratedError, RetryError } from 'ai';

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

export class AiError extends Error {
  constructor(
    readonly kind: AiErrorKind,
    message: string,
    /** Mutable only so the model can scrub an echoed key from `cause` before anyone sees it. */
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
    super(message);
    this.name = 'AiError';
  }

  /** Worth another try with backoff: rate limits, 5xx, a dropped connection. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'provider_error' || this.kind === 'unreachable';
  }
}

export function isAiError(e: unknown): e is AiError {
  return e instanceof AiError;
}

/** The sentences the person reads. `who` is e.g. "OpenAI (gpt-4o-mini)". */
export const aiMessages = {
  unreachable: (who: string) => `Could not reach ${who}; check that the server is running and the base URL is right.`,
  timeout: (who: string, ms: number) => `${who} did not answer within ${Math.round(ms / 1000)} seconds; try again, or raise the timeout.`,
  unauthorized: (who: string) => `${who} refused the API key (wrong, expired or without access to this model); set the correct key for the assistant.`,
  rateLimited: (who: string) => `${who} is rate limiting requests; wait a moment and try again.`,
  providerError: (who: string, status?: number) => `${who} had an internal error${status ? ` (HTTP ${status})` : ''}; try again later.`,
  badRequest: (who: string, status?: number, hint?: string) =>
    `${who} rejected the request${status ? ` (HTTP ${status})` : ''}${hint ? `: ${hint.replace(/[.。]\s*$/, '')}` : ''}; check the model name and settings.`,
  badResponse: (who: string) => `${who} sent a reply that could not be read (malformed or cut off); try again.`,
  truncated: (who: string) => `${who}'s reply was cut off before it finished; try again.`,
  schemaMismatch: (who: string, reason: string) => `${who}'s answer did not have the expected structure (${reason}).`,
  cancelled: () => 'The request was cancelled.',
} as const;

/** Keeps a provider's own error text short and readable (it can hint at a wrong model name). */
function providerHint(e: APICallError): string | undefined {
  const data = e.data as { error?: { message?: unknown } } | undefined;
  const raw = typeof data?.error?.message === 'string' ? data.error.message : undefined;
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
export function toAiError(e: unknown, who: string, context: { cancelled?: boolean; timedOutAfterMs?: number } = {}): AiError {
  if (e instanceof AiError) return e;
  if (context.cancelled) return new AiError('cancelled', aiMessages.cancelled(), { cause: describe(e) });
  if (context.timedOutAfterMs !== undefined) return new AiError('timeout', aiMessages.timeout(who, context.timedOutAfterMs), { cause: describe(e) });
  if (RetryError.isInstance(e)) return toAiError(e.lastError, who, context);
  if (NoObjectGeneratedError.isInstance(e)) {
    const reason = e.cause instanceof Error ? e.cause.message.split('\n')[0]!.slice(0, 200) : 'the reply was not valid JSON';
    return new AiError('schema_mismatch', aiMessages.schemaMismatch(who, reason), { cause: describe(e), replyText: e.text });
  }
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    const detail = { status, retryAfterMs: retryAfterMs(e.responseHeaders), cause: describe(e) };
    if (status === undefined) {
      if (NETWORK_CODES.test(describe(e))) return new AiError('unreachable', aiMessages.unreachable(who), detail);
      return new AiError('bad_response', aiMessages.badResponse(who), detail);
    }
    if (status === 401 || status === 403) return new AiError('unauthorized', aiMessages.unauthorized(who), detail);
    // Gemini answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID.
    if (status === 400 && /API_KEY_INVALID|API key not valid/i.test(e.responseBody ?? '')) return new AiError('unauthorized', aiMessages.unauthorized(who), detail);
    if (status === 429) return new AiError('rate_limited', aiMessages.rateLimited(who), detail);
    if (status === 408) return new AiError('timeout', aiMessages.timeout(who, 0).replace(' within 0 seconds', ' in time'), detail);
    if (status >= 500) return new AiError('provider_error', aiMessages.providerError(who, status), detail);
    if (status >= 200 && status < 300) return new AiError('bad_response', aiMessages.badResponse(who), detail);
    return new AiError('bad_request', aiMessages.badRequest(who, status, providerHint(e)), detail);
  }
  const text = describe(e);
  if (NETWORK_CODES.test(text)) return new AiError('unreachable', aiMessages.unreachable(who), { cause: text });
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new AiError('cancelled', aiMessages.cancelled(), { cause: text });
  }
  // JSON parse errors, type validation of the provider's response, an empty response body…
  return new AiError('bad_response', aiMessages.badResponse(who), { cause: text });
}
