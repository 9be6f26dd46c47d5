import { describe, expect, it } from 'vitest';
import { CacheConfigError, openCache } from '../../src/cache/index';
import { testNamespace, testRedisUrl } from '../helpers/caches';

describe('openCache', () => {
  it('opens the in-process store without a URL', async () => {
    for (const options of [{}, { url: '' }, { url: '   ' }, { url: undefined }]) {
      const cache = await openCache(options);
      expect(cache.kind).toBe('memory');
      expect(cache.state()).toBe('ok');
      await cache.close();
    }
  });

  it('refuses a URL that is not redis:// or rediss:// with a clear error', async () => {
    await expect(openCache({ url: 'http://127.0.0.1:6379' })).rejects.toThrow(CacheConfigError);
    await expect(openCache({ url: 'http://127.0.0.1:6379' })).rejects.toThrow(/scheme "http".*redis:\/\/ or rediss:\/\//);
    await expect(openCache({ url: '127.0.0.1:6379' })).rejects.toThrow(/redis:\/\//);
    await expect(openCache({ url: 'not a url' })).rejects.toThrow(/Invalid Redis URL/);
  });

  const url = testRedisUrl();
  it.runIf(url)('opens Redis when HISHO_TEST_REDIS_URL is set', async () => {
    const lines: string[] = [];
    const cache = await openCache({ url, namespace: testNamespace(), log: (level, m) => lines.push(`${level} ${m}`) });
    try {
      expect(cache.kind).toBe('redis');
      expect(cache.state()).toBe('ok');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^info .*connected/);
    } finally {
      await cache.close();
    }
  });
});
