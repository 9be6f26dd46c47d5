import { describe, expect, it } from 'vitest';
import { en } from '../../shared/i18n/en';
import { format } from '../../shared/i18n';
import type { ConnectionMonitor } from '../src/connection';
import { daemonIsDown, installServiceCommand, readLaunchInfo, startDaemonProcess, type LaunchHost } from '../src/daemon/launcher';
import { DaemonStarter } from '../src/daemon-starter';
import type { I18n, MessageKey } from '../src/i18n';
import { statusTooltip } from '../src/status-text';
import { Notice } from './stubs/obsidian';

const HOME = 'C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho';
const INFO = {
  node: 'C:\\Program Files\\nodejs\\node.exe',
  args: ['C:\\Users\\山田 太郎\\hisho\\bin\\hisho.mjs'],
  cwd: 'C:\\Users\\山田 太郎\\hisho',
  version: '0.1.0',
  writtenBy: 'serve',
  writtenAt: '2025-01-02T03:04:05.000Z',
};

function fakeHost(files: Record<string, string>, platform = 'win32') {
  const spawned: Array<{ command: string; args: string[]; cwd?: string; env: Record<string, string> }> = [];
  const host: LaunchHost = {
    platform,
    hishoHome: () => HOME,
    join: (...parts) => parts.join('\\'),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    spawnDetached: async (command, args, options) => {
      spawned.push({ command, args, ...options });
    },
  };
  return { host, spawned };
}

const t = (key: MessageKey, vars?: Record<string, string | number>) => format(en[key], vars);

describe('starting the daemon from Obsidian', () => {
  it('spawns `node entry serve` from launch.json with HISHO_HOME, detached', async () => {
    const { host, spawned } = fakeHost({ [`${HOME}\\launch.json`]: JSON.stringify(INFO) });
    expect(await startDaemonProcess(host, { PATH: 'C:\\Windows', HISHO_HOME: undefined })).toEqual({ ok: true });
    expect(spawned).toEqual([{ command: INFO.node, args: [...INFO.args, 'serve'], cwd: INFO.cwd, env: { PATH: 'C:\\Windows', HISHO_HOME: HOME } }]);
  });

  it('says so when launch.json is missing or invalid', async () => {
    const { host, spawned } = fakeHost({});
    expect(await startDaemonProcess(host, {})).toEqual({ ok: false, reason: 'launch-missing', path: `${HOME}\\launch.json` });
    expect(spawned).toEqual([]);
    const bad = fakeHost({ [`${HOME}\\launch.json`]: '{"node": 1}' });
    expect(await readLaunchInfo(bad.host)).toMatchObject({ ok: false, detail: 'invalid content' });
  });

  it('shows the exact install command for a terminal, quoted for the system', () => {
    expect(installServiceCommand(INFO as never, 'win32')).toBe(
      '& "C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\山田 太郎\\hisho\\bin\\hisho.mjs" service install',
    );
    expect(installServiceCommand({ ...INFO, node: '/usr/bin/node', args: ["/home/山田 太郎/it's/bin/hisho.mjs"] } as never, 'linux')).toBe(
      "/usr/bin/node '/home/山田 太郎/it'\\''s/bin/hisho.mjs' service install",
    );
    expect(installServiceCommand(undefined, 'darwin')).toBe('hisho service install');
  });

  it('offers to start only when the daemon is simply down', () => {
    expect(daemonIsDown({ code: 'not-running', path: 'x' })).toBe(true);
    expect(daemonIsDown({ code: 'refused', url: 'x' })).toBe(true);
    expect(daemonIsDown({ code: 'token-missing', path: 'x' })).toBe(false);
    const status = { state: 'unreachable', reason: { code: 'not-running', path: 'daemon.json' } } as const;
    expect(statusTooltip(status, t, true)).toBe('The Hisho daemon is not running (no discovery file at daemon.json). Click to start the daemon.');
    expect(statusTooltip(status, t)).toContain('Click to check again.');
  });

  it('the starter waits for the started daemon to answer, and says what happened', async () => {
    const { host } = fakeHost({ [`${HOME}\\launch.json`]: JSON.stringify(INFO) });
    const answers = [{ state: 'unreachable', reason: { code: 'refused', url: 'u' } }, { state: 'connected', version: '0.1.0', url: 'u' }];
    const monitor = { check: async () => answers.shift() } as unknown as ConnectionMonitor;
    const i18n = { t } as unknown as I18n;
    Notice.shown.length = 0;
    const starter = new DaemonStarter(host, monitor, i18n, () => ({}), async () => undefined);
    expect(await starter.start()).toBe(true);
    expect(Notice.shown).toEqual(['Starting the Hisho daemon…', 'Hisho daemon connected, version 0.1.0.']);

    Notice.shown.length = 0;
    const none = new DaemonStarter(fakeHost({}).host, monitor, i18n, () => ({}), async () => undefined);
    expect(await none.start()).toBe(false);
    expect(Notice.shown[0]).toBe(`The Hisho daemon could not be started. This computer has no record of how to start it yet (${HOME}\\launch.json is missing). Run \`hisho serve\` once in a terminal, or install the service.`);
    expect(await none.installCommand()).toBe('hisho service install');
  });
});
