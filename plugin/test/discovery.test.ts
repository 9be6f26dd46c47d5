import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverDaemon, type DiscoveryHost } from '../src/daemon/discovery';
import { nodeDiscoveryHost } from '../src/daemon/node-host';

const none = { daemonUrl: '', token: '' };
let home: string;
let savedEnv: string | undefined;

function hostAt(dir: string): DiscoveryHost {
  return { ...nodeDiscoveryHost(), hishoHome: () => dir };
}

async function writeDiscovery(content: unknown): Promise<void> {
  await writeFile(join(home, 'daemon.json'), typeof content === 'string' ? content : JSON.stringify(content));
}

const valid = { url: 'http://127.0.0.1:48765/', pid: 1234, version: '0.1.0', startedAt: '2026-01-01T00:00:00Z' };

describe('discovery', () => {
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'hisho-discovery-'));
    savedEnv = process.env.HISHO_HOME;
  });
  afterEach(async () => {
    if (savedEnv === undefined) delete process.env.HISHO_HOME;
    else process.env.HISHO_HOME = savedEnv;
    await rm(home, { recursive: true, force: true });
  });

  it('reads daemon.json and token from HISHO_HOME (the real Node host, through the env variable)', async () => {
    await writeDiscovery(valid);
    await writeFile(join(home, 'token'), 'secret-token\n');
    process.env.HISHO_HOME = home;
    expect(await discoverDaemon(none, nodeDiscoveryHost())).toEqual({
      ok: true,
      url: 'http://127.0.0.1:48765',
      token: 'secret-token',
      version: '0.1.0',
    });
  });

  it('says the daemon is not running when daemon.json is missing', async () => {
    const found = await discoverDaemon(none, hostAt(home));
    expect(found).toEqual({ ok: false, reason: { code: 'not-running', path: join(home, 'daemon.json') } });
  });

  it('says not running when HISHO_HOME itself does not exist', async () => {
    const found = await discoverDaemon(none, hostAt(join(home, 'nope')));
    expect(found.ok === false && found.reason.code).toBe('not-running');
  });

  it.each([
    ['not JSON', '{"url": '],
    ['wrong shape', { url: 'not a url', pid: 'x' }],
    ['a non-http URL', { ...valid, url: 'file:///etc/passwd' }],
  ])('reports a garbled daemon.json (%s) clearly', async (_name, content) => {
    await writeDiscovery(content);
    await writeFile(join(home, 'token'), 't');
    const found = await discoverDaemon(none, hostAt(home));
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.reason.code).toBe('discovery-invalid');
    expect(found.reason).toMatchObject({ path: join(home, 'daemon.json') });
  });

  it('reports a missing or empty token', async () => {
    await writeDiscovery(valid);
    expect(await discoverDaemon(none, hostAt(home))).toEqual({
      ok: false,
      reason: { code: 'token-missing', path: join(home, 'token') },
    });
    await writeFile(join(home, 'token'), '  \n');
    const again = await discoverDaemon(none, hostAt(home));
    expect(again.ok === false && again.reason.code).toBe('token-missing');
  });

  it('lets settings overrides win, field by field', async () => {
    await writeDiscovery(valid);
    await writeFile(join(home, 'token'), 'file-token');
    expect(await discoverDaemon({ daemonUrl: 'http://localhost:9/', token: '' }, hostAt(home))).toEqual({
      ok: true,
      url: 'http://localhost:9',
      token: 'file-token',
    });
    expect(await discoverDaemon({ daemonUrl: '', token: 'mine' }, hostAt(home))).toMatchObject({
      ok: true,
      url: 'http://127.0.0.1:48765',
      token: 'mine',
    });
    // Both given: no file is read at all, and no host is needed.
    expect(await discoverDaemon({ daemonUrl: 'http://h:1', token: 'x' }, null)).toEqual({ ok: true, url: 'http://h:1', token: 'x' });
  });

  it('without a file system and without overrides, says not running', async () => {
    const found = await discoverDaemon(none, null);
    expect(found.ok === false && found.reason.code).toBe('not-running');
  });
});
