import { AiError } from './errors';

/** How a model call is bounded and retried. Every field has a default (DEFAULT_CALL_POLICY). */
export interface CallPolicy {
  /** The whole non-streamed call, and the wait for a stream's first chunk. */
  timeoutMs: number;
  /** The longest silence between two chunks of a stream. */
  idleTimeoutMs: number;
  /** Further attempts after the first, for 429, 5xx and dropped connections. */
  maxRetries: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate limited at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = {
  timeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before attempt `attempt` (1-based retry number), or undefined to give up. */
export function retryDelay(error: AiError, attempt: number, policy: CallPolicy): number | undefined {
  if (!error.retryable || attempt > policy.maxRetries) return undefined;
  const asked = error.detail.retryAfterMs;
  if (asked !== undefined) return asked <= policy.maxRetryAfterMs ? asked : undefined;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable AiError, or the retries are spent.
 * `onRetry` hears about each retry (for the log).
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: CallPolicy,
  signal: AbortSignal | undefined,
  onRetry?: (error: AiError, delayMs: number, attempt: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof AiError)) throw e;
      const delay = retryDelay(e, n, policy);
      if (delay === undefined || signal?.aborted) throw e;
      onRetry?.(e, delay, n);
      await sleep(delay, signal).catch(() => {
        throw new AiError({ kind: 'cancelled' });
      });
    }
  }
}
