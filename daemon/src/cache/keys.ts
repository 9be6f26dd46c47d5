import { createHash } from 'node:crypto';

/**
 * The Redis key scheme and TTLs of the database design (seed/database-design.ja.md §13), in one
 * place. Product code builds every cache key through these functions; nothing else spells a key.
 *
 * Kept from the design:
 * - `cache:{type}:{id}` with the TTL table of §13.3.1
 * - `search:{hash}` for search results, 30 minutes (§13.3.2)
 * - `ai_session:{assistant_id}:{session_id}`, 1 hour (§13.2.2)
 * - `notification:{user_id}:{notification_id}`, 7 days (§13.4.2)
 * - `ai_discussion_state:{discussion_id}`, no TTL: lives while the discussion runs and is deleted
 *   when it ends (§13.4.3)
 *
 * Left out on purpose:
 * - `session:{user_id}:{session_id}` (§13.2.1): the design itself removed sessions — Hisho is a
 *   local, single-user app; the bearer token guards the API instead.
 * - `ws_connection:{user_id}:{connection_id}` (§13.4.1): not used — Hisho streams to the plugin with
 *   Server-Sent Events, and an open SSE response needs no registry in Redis.
 * - The design lists keys with `KEYS pattern`; that blocks Redis for the whole keyspace scan and is
 *   forbidden in product code. Use `CacheStore.scanPrefix` (SCAN) with the prefix helpers below.
 * - §13.3.2 folds a 5-minute time bucket into the search hash; the 30-minute TTL already bounds
 *   staleness, so the hash here depends on the query and filters only (callers may add a bucket to
 *   the hashed object if they want one).
 */

/** Seconds per cache data type (§13.3.1). */
export const CACHE_TTL = {
  user_profile: 3600,
  team_info: 1800,
  workflow_status: 300,
  ai_assistant: 7200,
  search_results: 1800,
  statistics: 3600,
  configuration: 86400,
} as const satisfies Record<string, number>;

export type CacheType = keyof typeof CACHE_TTL;

export const CACHE_TYPES = Object.keys(CACHE_TTL) as CacheType[];

/** Search result cache: 30 minutes (§13.3.2). */
export const SEARCH_TTL = 1800;
/** AI assistant session: 1 hour (§13.2.2). */
export const AI_SESSION_TTL = 3600;
/** Notification: 7 days (§13.4.2). */
export const NOTIFICATION_TTL = 604800;

function part(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`cache key part "${name}" must be a non-empty string`);
  }
  return value;
}

function assertCacheType(type: string): asserts type is CacheType {
  if (!Object.prototype.hasOwnProperty.call(CACHE_TTL, type)) {
    throw new TypeError(`unknown cache type "${type}" (expected one of ${CACHE_TYPES.join(', ')})`);
  }
}

/** `cache:{type}:{id}` — store it with `CACHE_TTL[type]` (or `cacheTtl(type)`). */
export function cacheKey(type: CacheType, id: string): string {
  assertCacheType(type);
  return `cache:${type}:${part('id', id)}`;
}

/** Prefix of every `cache:{type}:*` key, for scanPrefix/invalidation. */
export function cachePrefix(type: CacheType): string {
  assertCacheType(type);
  return `cache:${type}:`;
}

export function cacheTtl(type: CacheType): number {
  assertCacheType(type);
  return CACHE_TTL[type];
}

/** `search:{hash}`; build the hash with `stableHash({ query, filters })`. */
export function searchKey(hash: string): string {
  return `search:${part('hash', hash)}`;
}

export const SEARCH_PREFIX = 'search:';

/** `ai_session:{assistant_id}:{session_id}`, TTL `AI_SESSION_TTL`. */
export function aiSessionKey(assistantId: string, sessionId: string): string {
  return `ai_session:${part('assistantId', assistantId)}:${part('sessionId', sessionId)}`;
}

/** Prefix of one assistant's sessions. */
export function aiSessionPrefix(assistantId: string): string {
  return `ai_session:${part('assistantId', assistantId)}:`;
}

/** `notification:{user_id}:{notification_id}`, TTL `NOTIFICATION_TTL`. */
export function notificationKey(userId: string, notificationId: string): string {
  return `notification:${part('userId', userId)}:${part('notificationId', notificationId)}`;
}

/** Prefix of one user's notifications. */
export function notificationPrefix(userId: string): string {
  return `notification:${part('userId', userId)}:`;
}

/** `ai_discussion_state:{discussion_id}`: no TTL; delete it when the discussion ends. */
export function discussionStateKey(discussionId: string): string {
  return `ai_discussion_state:${part('discussionId', discussionId)}`;
}

/**
 * JSON with object keys sorted at every depth, so equal values give equal text whatever order
 * their keys were written in. Follows JSON.stringify otherwise (toJSON, undefined members dropped,
 * undefined in arrays as null); throws on values JSON cannot represent (BigInt, cycles).
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, inArray: boolean): string | undefined => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      return inArray ? 'null' : undefined;
    }
    if (typeof v === 'bigint') throw new TypeError('canonicalJson: BigInt is not supported');
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (seen.has(v)) throw new TypeError('canonicalJson: cyclic value');
    seen.add(v);
    let out: string;
    if (Array.isArray(v)) {
      out = `[${v.map((item) => walk(item, true) ?? 'null').join(',')}]`;
    } else {
      const members: string[] = [];
      for (const key of Object.keys(v).sort()) {
        const text = walk((v as Record<string, unknown>)[key], false);
        if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
      }
      out = `{${members.join(',')}}`;
    }
    seen.delete(v);
    return out;
  };
  return walk(value, false) ?? 'null';
}

/** sha256 (hex) of `canonicalJson(value)`: a stable hash for `searchKey`. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
