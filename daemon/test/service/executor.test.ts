import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runService } from '../../src/cli/service';
import { loadConfig, type Config } from '../../src/config';
import { applyPlan } from '../../src/service/executor';
import { formatPlan } from '../../src/service/format';
import { installPlan } from '../../src/service/plan';
import type { ServiceContext } from '../../src/service/types';
import { linuxContext, macContext, scriptedRunner } from './fixtures';

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('the service executor and CLI, against a temporary folder', () => {
  let dir: string;
  let config: Config;
  let ctx: ServiceContext;
  let unit: string;
  let out: string;
  let err: string;
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hisho-service 山田 '));
    const home = join(dir, 'home', '.config', 'hisho');
    config = loadConfig({ HISHO_HOME: home });
    ctx = linuxContext({ paths: { node: '/usr/bin/node', entry: '/opt/hisho/bin/hisho.mjs', home, logs: join(home, 'logs'), userHome: join(dir, 'home') } });
    ctx.env = { HISHO_HOME: home };
    unit = join(dir, 'home', '.config', 'systemd', 'user', 'hisho.service');
    out = '';
    err = '';
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const INSTALL = [
    { argv: ['systemctl', '--user', 'show-environment'] },
    { argv: ['systemctl', '--user', 'daemon-reload'] },
    { argv: ['systemctl', '--user', 'enable', '--now', 'hisho.service'] },
  ];
  const UNINSTALL = [{ argv: ['systemctl', '--user', 'disable', '--now', 'hisho.service'] }, { argv: ['systemctl', '--user', 'daemon-reload'] }];

  it('installs a systemd user unit, then uninstalls exactly what it added', async () => {
    const unrelated = join(dir, 'home', '.config', 'systemd', 'user', 'other.service');
    await mkdir(join(dir, 'home', '.config', 'systemd', 'user'), { recursive: true });
    await writeFile(unrelated, '[Service]\n');

    const runner = scriptedRunner(INSTALL);
    expect(await runService('install', {}, { config, context: ctx, runner, ...io })).toBe(0);
    expect(runner.left()).toBe(0);
    expect(await readFile(unit, 'utf8')).toContain('ExecStart="/usr/bin/node" "--max-semi-space-size=4" "/opt/hisho/bin/hisho.mjs" "serve"');
    expect((await stat(unit)).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(await readFile(join(config.home, 'service.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toEqual([unit]);
    expect(JSON.parse(await readFile(join(config.home, 'launch.json'), 'utf8'))).toMatchObject({ node: '/usr/bin/node', args: ['--max-semi-space-size=4', '/opt/hisho/bin/hisho.mjs'], writtenBy: 'service install' });
    expect(out).toContain('Installed a systemd user service');

    // Status: the service manager and the daemon (no discovery file: not running), and the logs.
    out = '';
    const probe = scriptedRunner([{ argv: ['systemctl', '--user', 'is-active', 'hisho.service'], result: { code: 3, stdout: 'inactive\n' } }]);
    expect(await runService('status', {}, { config, context: ctx, runner: probe, ...io })).toBe(0);
    expect(out).toBe(
      `Service: installed as a systemd user service (hisho.service) on 2025-01-02T03:04:05.000Z; definition ${unit}\nService manager: not running\nDaemon: not running\nLogs: ${join(config.home, 'logs')}\n`,
    );

    // Install again, unchanged: up to date, nothing run (the scripted runner would throw).
    out = '';
    expect(await runService('install', {}, { config, context: ctx, runner: scriptedRunner([]), ...io })).toBe(0);
    expect(out).toContain('already installed as a systemd user service (hisho.service), up to date');

    // Install again with another Node: refused, clear message, nothing changed.
    const moved = { ...ctx, paths: { ...ctx.paths, node: '/usr/local/bin/node' } };
    expect(await runService('install', {}, { config, context: moved, runner: scriptedRunner([]), ...io })).toBe(1);
    expect(err).toContain('already installed as a systemd user service');
    expect(err).toContain('hisho service install --force');
    expect(await readFile(unit, 'utf8')).toContain('"/usr/bin/node"');

    // --force: uninstalls, then installs the new one.
    const forced = scriptedRunner([...UNINSTALL, ...INSTALL]);
    expect(await runService('install', { force: true }, { config, context: moved, runner: forced, ...io })).toBe(0);
    expect(forced.left()).toBe(0);
    expect(await readFile(unit, 'utf8')).toContain('"/usr/local/bin/node"');

    // Uninstall: the unit and the manifest go; the unrelated unit, logs folder and launch.json stay.
    const removing = scriptedRunner(UNINSTALL);
    expect(await runService('uninstall', {}, { config, context: moved, runner: removing, ...io })).toBe(0);
    expect(removing.left()).toBe(0);
    expect(await exists(unit)).toBe(false);
    expect(await exists(join(config.home, 'service.json'))).toBe(false);
    expect(await exists(unrelated)).toBe(true);
    expect(await exists(join(config.home, 'logs'))).toBe(true);

    // Uninstall again: nothing installed is not an error (exit 0), and says so.
    out = '';
    expect(await runService('uninstall', {}, { config, context: moved, runner: scriptedRunner([]), ...io })).toBe(0);
    expect(out).toBe(`Hisho's startup service is not installed (no ${join(config.home, 'service.json')}); nothing to remove.\n`);
    expect(await runService('stop', {}, { config, context: moved, runner: scriptedRunner([]), ...io })).toBe(1);
    expect(err).toContain('not installed');
  });

  it('says clearly when systemd user services are unavailable, and changes nothing', async () => {
    const runner = scriptedRunner([{ argv: ['systemctl', '--user', 'show-environment'], result: { code: 1, stderr: 'Failed to connect to bus: No medium found\n' } }]);
    expect(await runService('install', {}, { config, context: ctx, runner, ...io })).toBe(1);
    expect(err).toBe(
      'hisho service install: systemd user services are not available here (`systemctl --user` cannot reach a user instance: no systemd, a container, or a session without a user bus). Start the daemon with `hisho serve` from your login scripts instead, or run this again in a normal login session.\n' +
        '  (systemctl --user show-environment: Failed to connect to bus: No medium found)\nNothing was changed.\n',
    );
    expect(await exists(unit)).toBe(false);
    expect(await exists(join(config.home, 'service.json'))).toBe(false);
  });

  it('reports a missing systemctl as such (the real runner: exit 127)', async () => {
    const { processRunner } = await import('../../src/service/executor');
    const r = await processRunner.run(['hisho-no-such-program-xyz', '--user']);
    expect(r).toMatchObject({ code: 127, stderr: 'hisho-no-such-program-xyz: command not found' });
    expect((await processRunner.run([process.execPath, '-e', 'process.stdout.write("hi"); process.exit(3)'])).code).toBe(3);
  });

  it('stops at a failing command and names it', async () => {
    const runner = scriptedRunner([INSTALL[0]!, { argv: INSTALL[1]!.argv, result: { code: 1, stderr: 'Access denied' } }]);
    expect(await runService('install', {}, { config, context: ctx, runner, ...io })).toBe(1);
    expect(err).toContain('systemctl --user daemon-reload failed (exit 1): Access denied.');
    expect(err).toContain('`hisho service uninstall` undoes them');
  });

  it('--dry-run prints exactly the plan and runs nothing', async () => {
    expect(await runService('install', { dryRun: true }, { config, context: ctx, runner: scriptedRunner([]), ...io })).toBe(0);
    expect(out).toBe(formatPlan(installPlan(ctx).plan, 'linux'));
    expect(await exists(config.home)).toBe(false);
    expect(await runService('install', { platform: 'win32' }, { config, context: ctx, runner: scriptedRunner([]), ...io })).toBe(2);
  });

  it('writes a launchd plist and a UTF-16 launcher the same way', async () => {
    const home = join(dir, 'mac', 'Hisho');
    const mac = macContext({ paths: { node: '/opt/homebrew/bin/node', entry: '/opt/hisho/bin/hisho.mjs', home, logs: join(home, 'logs'), userHome: join(dir, 'mac') } });
    const runner = scriptedRunner([{ argv: ['launchctl', 'bootstrap', 'gui/501', join(dir, 'mac', 'Library', 'LaunchAgents', 'hisho.daemon.plist')] }]);
    const result = await applyPlan(installPlan(mac).plan, { runner, platform: 'darwin' });
    expect(result).toMatchObject({ ok: true });
    expect(await readFile(join(dir, 'mac', 'Library', 'LaunchAgents', 'hisho.daemon.plist'), 'utf8')).toContain('<string>hisho.daemon</string>');

    const vbs = join(dir, 'launch.vbs');
    await applyPlan(
      { action: 'install', kind: 'windows-logon', summary: '', notes: [], steps: [{ kind: 'write', path: vbs, content: 'x = "山田 太郎"\r\n', encoding: 'utf16le-bom' }] },
      { runner: scriptedRunner([]), platform: 'win32' },
    );
    const bytes = await readFile(vbs);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe('x = "山田 太郎"\r\n');
  });

  it('refuses before changing anything when WinSW (node-windows) is missing', async () => {
    const result = await applyPlan(
      { action: 'install', kind: 'windows-service', summary: '', notes: [], steps: [{ kind: 'write', path: join(dir, 'a'), content: '' }, { kind: 'copy', from: join(dir, 'node-windows', 'bin', 'winsw', 'winsw.exe'), to: join(dir, 'b.exe') }] },
      { runner: scriptedRunner([]), platform: 'win32' },
    );
    expect(result.ok).toBe(false);
    expect(result.error).toContain('node-windows');
    expect(await exists(join(dir, 'a'))).toBe(false);
  });
});
