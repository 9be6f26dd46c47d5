import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHishoHome } from '../../shared/paths';
import { ConfigError, DEFAULT_PORT, loadConfig } from '../src/config';

describe('config', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'hisho-config-'));
  });
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({ HISHO_HOME: home });
    expect(config).toMatchObject({ home, host: '127.0.0.1', port: DEFAULT_PORT, logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.paths.data).toBe(join(home, 'data'));
    expect(config.paths.token).toBe(join(home, 'token'));
  });

  it('reads the environment', () => {
    const config = loadConfig({
      HISHO_HOME: home,
      HISHO_PORT: '0',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/hisho',
      REDIS_URL: 'redis://127.0.0.1:6379',
      HISHO_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({ port: 0, databaseUrl: 'postgres://postgres@127.0.0.1:5432/hisho', redisUrl: 'redis://127.0.0.1:6379', logLevel: 'debug' });
  });

  it('names every bad value at once', () => {
    let error: unknown;
    try {
      loadConfig({ HISHO_HOME: home, HISHO_PORT: '99999', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x', HISHO_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['HISHO_PORT="99999"', 'DATABASE_URL="mysql://x"', 'REDIS_URL="http://x"', 'HISHO_LOG_LEVEL="loud"']) expect(problems).toContain(name);
    expect((error as Error).message).toContain('postgres://');
  });

  it('reads config.json, and the environment wins over it', async () => {
    await writeFile(join(home, 'config.json'), JSON.stringify({ port: 5000, logLevel: 'warn' }));
    expect(loadConfig({ HISHO_HOME: home })).toMatchObject({ port: 5000, logLevel: 'warn' });
    expect(loadConfig({ HISHO_HOME: home, HISHO_PORT: '6000' }).port).toBe(6000);
  });

  it('explains a broken config file instead of crashing', async () => {
    await writeFile(join(home, 'config.json'), '{ "port": 5000, ');
    expect(() => loadConfig({ HISHO_HOME: home })).toThrow(/config\.json: is not valid JSON/);
    await writeFile(join(home, 'config.json'), JSON.stringify({ port: 'many', colour: 'red' }));
    expect(() => loadConfig({ HISHO_HOME: home })).toThrow(/"port".*\n.*unknown key\(s\) colour|unknown key\(s\) colour[\s\S]*"port"/);
  });

  it('picks a per-OS home', () => {
    expect(defaultHishoHome({ platform: 'win32', env: { APPDATA: 'C:\\Users\\山田 太郎\\AppData\\Roaming' }, homedir: 'C:\\Users\\山田 太郎' })).toBe('C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho');
    expect(defaultHishoHome({ platform: 'darwin', env: {}, homedir: '/Users/taro' })).toBe('/Users/taro/Library/Application Support/Hisho');
    expect(defaultHishoHome({ platform: 'linux', env: {}, homedir: '/home/taro' })).toBe('/home/taro/.config/hisho');
    expect(defaultHishoHome({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, homedir: '/home/taro' })).toBe('/x/cfg/hisho');
  });
});
