import { posix } from 'node:path';
import { xml } from './escape';
import type { ServiceContext, ServiceManifest, ServicePlan } from './types';
import { DAEMON_NODE_FLAGS } from './node-flags';

export const LAUNCHD_LABEL = 'hisho.daemon';

export function launchdPlistPath(ctx: ServiceContext): string {
  return posix.join(ctx.paths.userHome, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}

function domain(ctx: { user: { uid?: number } }): string {
  if (ctx.user.uid === undefined) throw new Error('launchd needs the user id (gui/<uid>)');
  return `gui/${ctx.user.uid}`;
}

/**
 * ~/Library/LaunchAgents/hisho.daemon.plist: runs at login, restarted when it exits with a failure,
 * at most every 30 s (launchd's ThrottleInterval; launchd has no growing backoff).
 */
export function launchdPlist(ctx: ServiceContext): string {
  const s = (v: string) => `<string>${xml(v)}</string>`;
  const env = Object.entries(ctx.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([k, v]) => [`\t\t<key>${xml(k)}</key>`, `\t\t${s(v)}`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Hisho (秘書) daemon for Obsidian. Written by `hisho service install`; removed by `hisho service uninstall`. -->',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t${s(LAUNCHD_LABEL)}`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...[ctx.paths.node, ...DAEMON_NODE_FLAGS, ctx.paths.entry, 'serve'].map((a) => `\t\t${s(a)}`),
    '\t</array>',
    '\t<key>EnvironmentVariables</key>',
    '\t<dict>',
    ...env,
    '\t</dict>',
    '\t<key>WorkingDirectory</key>',
    `\t${s(ctx.paths.home)}`,
    '\t<key>RunAtLoad</key>',
    '\t<true/>',
    '\t<key>KeepAlive</key>',
    '\t<dict>',
    '\t\t<key>SuccessfulExit</key>',
    '\t\t<false/>',
    '\t</dict>',
    '\t<key>ThrottleInterval</key>',
    '\t<integer>30</integer>',
    '\t<key>ProcessType</key>',
    '\t<string>Background</string>',
    '\t<key>StandardOutPath</key>',
    `\t${s(posix.join(ctx.paths.logs, 'launchd.out.log'))}`,
    '\t<key>StandardErrorPath</key>',
    `\t${s(posix.join(ctx.paths.logs, 'launchd.err.log'))}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

export function launchdInstall(ctx: ServiceContext): ServicePlan {
  const plist = launchdPlistPath(ctx);
  return {
    action: 'install',
    kind: 'launchd-agent',
    summary: `Install Hisho as a launchd agent (${LAUNCHD_LABEL}), started at login and restarted on failure`,
    steps: [
      { kind: 'mkdir', path: posix.dirname(plist) },
      { kind: 'mkdir', path: ctx.paths.logs },
      { kind: 'write', path: plist, content: launchdPlist(ctx), mode: 0o600 },
      { kind: 'run', argv: ['launchctl', 'bootstrap', domain(ctx), plist], why: 'load the agent (it starts at once: RunAtLoad)' },
    ],
    notes: [`Logs: ${ctx.paths.logs}.`],
  };
}

export function launchdUninstall(manifest: ServiceManifest, ctx: { user: { uid?: number } }): ServicePlan {
  return {
    action: 'uninstall',
    kind: 'launchd-agent',
    summary: `Remove the launchd agent ${manifest.name}`,
    steps: [
      { kind: 'run', argv: ['launchctl', 'bootout', `${domain(ctx)}/${manifest.name}`], why: 'stop and unload the agent', mayFail: true },
      ...manifest.files.map((path) => ({ kind: 'remove' as const, path })),
    ],
    notes: [],
  };
}

export function launchdStartStop(action: 'start' | 'stop', ctx: { user: { uid?: number } }): ServicePlan {
  const target = `${domain(ctx)}/${LAUNCHD_LABEL}`;
  return {
    action,
    kind: 'launchd-agent',
    summary: `${action === 'start' ? 'Start' : 'Stop'} the launchd agent ${LAUNCHD_LABEL}`,
    steps: [
      action === 'start'
        ? { kind: 'run', argv: ['launchctl', 'kickstart', target], why: 'start the daemon' }
        : // SIGTERM: the daemon exits cleanly (status 0), so KeepAlive does not restart it.
          { kind: 'run', argv: ['launchctl', 'kill', 'SIGTERM', target], why: 'stop the daemon gracefully' },
    ],
    notes: [],
  };
}

export function launchdStatusCommand(ctx: { user: { uid?: number } }): string[] {
  return ['launchctl', 'print', `${domain(ctx)}/${LAUNCHD_LABEL}`];
}
