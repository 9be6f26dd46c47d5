import { describe, expect, it } from 'vitest';
import {
  AI_SESSION_TTL,
  CACHE_TTL,
  CACHE_TYPES,
  NOTIFICATION_TTL,
  SEARCH_PREFIX,
  SEARCH_TTL,
  aiSessionKey,
  aiSessionPrefix,
  cacheKey,
  cachePrefix,
  cacheTtl,
  canonicalJson,
  discussionStateKey,
  notificationKey,
  notificationPrefix,
  searchKey,
  stableHash,
  type CacheType,
} from '../../src/cache/keys';

describe('cache key scheme (design §13)', () => {
  it('has the TTL table of §13.3.1', () => {
    expect(CACHE_TTL).toEqual({
      user_profile: 3600,
      team_info: 1800,
      workflow_status: 300,
      ai_assistant: 7200,
      search_results: 1800,
      statistics: 3600,
      configuration: 86400,
    });
    expect(CACHE_TYPES).toHaveLength(7);
    expect(cacheTtl('workflow_status')).toBe(300);
    expect(SEARCH_TTL).toBe(1800);
    expect(AI_SESSION_TTL).toBe(3600);
    expect(NOTIFICATION_TTL).toBe(604800);
  });

  it('builds the design’s keys', () => {
    expect(cacheKey('user_profile', '123')).toBe('cache:user_profile:123');
    expect(cachePrefix('team_info')).toBe('cache:team_info:');
    expect(cacheKey('team_info', '7').startsWith(cachePrefix('team_info'))).toBe(true);
    expect(searchKey('abc')).toBe('search:abc');
    expect(searchKey('abc').startsWith(SEARCH_PREFIX)).toBe(true);
    expect(aiSessionKey('456', 's1')).toBe('ai_session:456:s1');
    expect(aiSessionKey('456', 's1').startsWith(aiSessionPrefix('456'))).toBe(true);
    expect(notificationKey('123', 'notif_789')).toBe('notification:123:notif_789');
    expect(notificationKey('123', 'n').startsWith(notificationPrefix('123'))).toBe(true);
    expect(discussionStateKey('disc_101')).toBe('ai_discussion_state:disc_101');
  });

  it('refuses unknown types and empty ids', () => {
    expect(() => cacheKey('user_sessions' as CacheType, '1')).toThrow(/unknown cache type/);
    expect(() => cacheKey('user_profile', '')).toThrow(/non-empty/);
    expect(() => aiSessionKey('', 's')).toThrow(/assistantId/);
    expect(() => notificationKey('u', '')).toThrow(/notificationId/);
    expect(() => discussionStateKey('')).toThrow(/discussionId/);
    expect(() => searchKey('')).toThrow(/hash/);
  });
});

describe('stableHash / canonicalJson', () => {
  it('ignores key order at every depth but not array order', () => {
    const a = { query: '東京 会議', filters: { status: 'active', team: { id: 1, tags: ['x', 'y'] } } };
    const b = { filters: { team: { tags: ['x', 'y'], id: 1 }, status: 'active' }, query: '東京 会議' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(stableHash(a)).toBe(stableHash(b));
    expect(stableHash(a)).toMatch(/^[0-9a-f]{64}$/);
    const c = { ...b, filters: { ...b.filters, team: { id: 1, tags: ['y', 'x'] } } };
    expect(stableHash(c)).not.toBe(stableHash(a));
    expect(stableHash({ query: 'a' })).not.toBe(stableHash({ query: 'b' }));
  });

  it('follows JSON rules for undefined, dates and nulls', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, null] })).toBe('{"b":1,"c":[null,null]}');
    expect(canonicalJson({ at: new Date('2025-08-13T10:00:00Z') })).toBe('{"at":"2025-08-13T10:00:00.000Z"}');
    expect(canonicalJson('x')).toBe('"x"');
    // The known sha256 of the canonical text, so the hash never drifts between versions.
    expect(stableHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
  });

  it('refuses cycles and BigInt', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
