/**
 * Argument rules and error messages shared by both stores, so the in-process store and Redis
 * accept and refuse the same calls.
 */

export const WRONGTYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INTEGER_MESSAGE = 'ERR value is not an integer or out of range';

/** Thrown by every call made after close(). */
export class CacheClosedError extends Error {
  constructor() {
    super('the cache store is closed');
    this.name = 'CacheClosedError';
  }
}

/** set(): the TTL must be a positive number of seconds (fractions allowed); returns milliseconds. */
export function setTtlMs(ttlSeconds: number): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`cache TTL must be a positive number of seconds, got ${String(ttlSeconds)}`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

/** expire(): like Redis, a TTL of zero or less deletes the key; returns milliseconds (0 = delete). */
export function expireTtlMs(ttlSeconds: number): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds)) {
    throw new RangeError(`cache TTL must be a finite number of seconds, got ${String(ttlSeconds)}`);
  }
  return ttlSeconds <= 0 ? 0 : Math.max(1, Math.round(ttlSeconds * 1000));
}

export function assertIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) {
    throw new RangeError(`incr() needs a safe integer increment, got ${String(by)}`);
  }
}

/** Redis TTL reply from milliseconds left (TTL rounds to the nearest second). */
export function ttlSecondsFromMs(msLeft: number): number {
  return Math.floor((msLeft + 500) / 1000);
}

/** Escapes Redis glob characters so a prefix matches literally in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
