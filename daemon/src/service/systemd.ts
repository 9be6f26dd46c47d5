import { posix } from 'node:path';
import { systemdEnvironment, systemdWord } from './escape';
import type { ServiceContext, ServiceManifest, ServicePlan } from './types';
import { DAEMON_NODE_FLAGS } from './node-flags';

export const SYSTEMD_UNIT = 'hisho.service';

export function systemdUnitPath(ctx: ServiceContext): string {
  const config = ctx.xdgConfigHome && posix.isAbsolute(ctx.xdgConfigHome) ? ctx.xdgConfigHome : posix.join(ctx.paths.userHome, '.config');
  return posix.join(config, 'systemd', 'user', SYSTEMD_UNIT);
}

/** ~/.config/systemd/user/hisho.service: restarts on failure with a growing delay (5 s … 5 min). */
export function systemdUnit(ctx: ServiceContext): string {
  const env = Object.entries(ctx.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `Environment=${systemdEnvironment(k, v)}`);
  return [
    '# Hisho (秘書) daemon for Obsidian: a systemd user service.',
    '# Written by `hisho service install`; removed by `hisho service uninstall`.',
    '[Unit]',
    'Description=Hisho daemon for Obsidian',
    'After=network.target',
    // Never a hot loop: at most 10 starts in 15 minutes (with the backoff below, only reached on systemd < 254).
    'StartLimitIntervalSec=15min',
    'StartLimitBurst=10',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[ctx.paths.node, ...DAEMON_NODE_FLAGS, ctx.paths.entry, 'serve'].map(systemdWord).join(' ')}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=5s',
    // systemd 254+: the delay grows from RestartSec to RestartMaxDelaySec over RestartSteps (older ones ignore these).
    'RestartSteps=6',
    'RestartMaxDelaySec=5min',
    'TimeoutStopSec=20s',
    'KillSignal=SIGTERM',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

const SYSTEMCTL_MISSING =
  'systemd user services are not available here (`systemctl --user` cannot reach a user instance: no systemd, a container, or a session without a user bus). Start the daemon with `hisho serve` from your login scripts instead, or run this again in a normal login session.';

function availability(): ServicePlan['steps'][number] {
  return { kind: 'check', argv: ['systemctl', '--user', 'show-environment'], why: 'check that the systemd user instance is reachable', failure: SYSTEMCTL_MISSING };
}

export function systemdInstall(ctx: ServiceContext): ServicePlan {
  const unit = systemdUnitPath(ctx);
  return {
    action: 'install',
    kind: 'systemd-user',
    summary: `Install Hisho as a systemd user service (${SYSTEMD_UNIT}), started at login and restarted on failure`,
    steps: [
      availability(),
      { kind: 'mkdir', path: posix.dirname(unit) },
      { kind: 'mkdir', path: ctx.paths.logs },
      { kind: 'write', path: unit, content: systemdUnit(ctx), mode: 0o600 },
      { kind: 'run', argv: ['systemctl', '--user', 'daemon-reload'], why: 'make systemd read the new unit' },
      { kind: 'run', argv: ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT], why: 'start it now and at every login' },
    ],
    notes: [
      `Logs: ${ctx.paths.logs} (and \`journalctl --user -u hisho\`).`,
      `A user service starts when you log in. To start it at boot without logging in: \`loginctl enable-linger ${ctx.user.name}\`.`,
    ],
  };
}

export function systemdUninstall(manifest: ServiceManifest): ServicePlan {
  return {
    action: 'uninstall',
    kind: 'systemd-user',
    summary: `Remove the systemd user service ${manifest.name}`,
    steps: [
      { kind: 'run', argv: ['systemctl', '--user', 'disable', '--now', manifest.name], why: 'stop it and stop starting it at login', mayFail: true },
      ...manifest.files.map((path) => ({ kind: 'remove' as const, path })),
      { kind: 'run', argv: ['systemctl', '--user', 'daemon-reload'], why: 'make systemd forget the unit', mayFail: true },
    ],
    notes: [],
  };
}

export function systemdStartStop(action: 'start' | 'stop'): ServicePlan {
  return {
    action,
    kind: 'systemd-user',
    summary: `${action === 'start' ? 'Start' : 'Stop'} the systemd user service ${SYSTEMD_UNIT}`,
    steps: [availability(), { kind: 'run', argv: ['systemctl', '--user', action, SYSTEMD_UNIT], why: `${action} the daemon` }],
    notes: [],
  };
}

export const systemdStatusCommand = ['systemctl', '--user', 'is-active', SYSTEMD_UNIT];
