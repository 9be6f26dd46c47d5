import { posix, win32 } from 'node:path';
import { HOME_FILES } from '../../../shared/paths';
import type { LaunchInfo } from '../../../shared/launch';
import { LAUNCHD_LABEL, launchdInstall, launchdStartStop, launchdStatusCommand, launchdUninstall } from './launchd';
import { SYSTEMD_UNIT, systemdInstall, systemdStartStop, systemdStatusCommand, systemdUninstall } from './systemd';
import type { ServiceContext, ServiceManifest, ServicePlan, Step } from './types';
import {
  RUN_KEY,
  RUN_VALUE,
  WINDOWS_SERVICE_ID,
  windowsFiles,
  windowsLogonInstall,
  windowsServiceInstall,
  windowsStartStop,
  windowsStatusCommand,
  windowsUninstall,
} from './windows';
import { DAEMON_NODE_FLAGS } from './node-flags';

export function pathsFor(platform: string) {
  return platform === 'win32' ? win32 : posix;
}

export function manifestPath(ctx: { platform: string; paths: { home: string } }): string {
  return pathsFor(ctx.platform).join(ctx.paths.home, HOME_FILES.serviceManifest);
}

export function launchInfoPath(ctx: { platform: string; paths: { home: string } }): string {
  return pathsFor(ctx.platform).join(ctx.paths.home, HOME_FILES.launch);
}

/** The plan for the platform, before the manifest and launch.json steps are added. */
function basePlan(ctx: ServiceContext, options: { perUser?: boolean }): ServicePlan {
  switch (ctx.platform) {
    case 'linux':
      return systemdInstall(ctx);
    case 'darwin':
      return launchdInstall(ctx);
    case 'win32':
      if (options.perUser) return windowsLogonInstall(ctx, 'asked');
      return ctx.user.isAdmin ? windowsServiceInstall(ctx) : windowsLogonInstall(ctx, 'not-admin');
  }
}

/** What install adds, derived from the plan: every file it writes or copies. */
export function manifestOf(plan: ServicePlan, ctx: ServiceContext): ServiceManifest {
  const files = plan.steps.flatMap((s) => (s.kind === 'write' ? [s.path] : s.kind === 'copy' ? [s.to] : []));
  const definition =
    plan.kind === 'windows-service' ? windowsFiles(ctx).xml : plan.kind === 'windows-logon' ? windowsFiles(ctx).launcher : (files[0] ?? '');
  const name =
    plan.kind === 'systemd-user' ? SYSTEMD_UNIT : plan.kind === 'launchd-agent' ? LAUNCHD_LABEL : plan.kind === 'windows-service' ? WINDOWS_SERVICE_ID : RUN_VALUE;
  return {
    kind: plan.kind,
    version: ctx.version,
    installedAt: ctx.now,
    files,
    name,
    ...(plan.kind === 'windows-logon' ? { registry: { key: RUN_KEY, value: RUN_VALUE } } : {}),
    definition,
    logs: ctx.paths.logs,
    node: ctx.paths.node,
    entry: ctx.paths.entry,
  };
}

export function manifestText(manifest: ServiceManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function launchInfoText(ctx: ServiceContext): string {
  const info: LaunchInfo = {
    node: ctx.paths.node,
    args: [...DAEMON_NODE_FLAGS, ctx.paths.entry],
    cwd: pathsFor(ctx.platform).dirname(pathsFor(ctx.platform).dirname(ctx.paths.entry)),
    version: ctx.version,
    writtenBy: 'service install',
    writtenAt: ctx.now,
  };
  return `${JSON.stringify(info, null, 2)}\n`;
}

/**
 * The whole install: the manifest is written first (so even a half-done install can be
 * uninstalled), then the platform's steps, then launch.json (for the plugin's "Start" button; not
 * in the manifest, since `hisho serve` writes it too).
 */
export function installPlan(ctx: ServiceContext, options: { perUser?: boolean } = {}): { plan: ServicePlan; manifest: ServiceManifest } {
  const base = basePlan(ctx, options);
  const manifest = manifestOf(base, ctx);
  const checks = base.steps.filter((s) => s.kind === 'check');
  const rest = base.steps.filter((s) => s.kind !== 'check');
  const steps: Step[] = [
    ...checks,
    { kind: 'write', path: manifestPath(ctx), content: manifestText(manifest), mode: 0o600 },
    ...rest,
    { kind: 'write', path: launchInfoPath(ctx), content: launchInfoText(ctx), mode: 0o600 },
  ];
  return { plan: { ...base, steps }, manifest };
}

/** Removes what the manifest lists (and the manifest), nothing else. */
export function uninstallPlan(manifest: ServiceManifest, ctx: ServiceContext): ServicePlan {
  const base =
    manifest.kind === 'systemd-user'
      ? systemdUninstall(manifest)
      : manifest.kind === 'launchd-agent'
        ? launchdUninstall(manifest, ctx)
        : windowsUninstall(manifest, ctx);
  const tail: Step[] = manifest.kind.startsWith('windows') ? [{ kind: 'rmdir', path: windowsFiles(ctx).dir }] : [];
  return {
    ...base,
    steps: [...base.steps, ...tail, { kind: 'remove', path: manifestPath(ctx) }],
    notes: [...base.notes, `The logs in ${manifest.logs} and your data in ${ctx.paths.home} are kept.`],
  };
}

export function startStopPlan(action: 'start' | 'stop', manifest: ServiceManifest, ctx: ServiceContext): ServicePlan {
  switch (manifest.kind) {
    case 'systemd-user':
      return systemdStartStop(action);
    case 'launchd-agent':
      return launchdStartStop(action, ctx);
    default:
      return windowsStartStop(action, manifest, ctx);
  }
}

/** The service manager's own view: the command, and how to read its answer. */
export function statusCommand(manifest: ServiceManifest, ctx: ServiceContext): { argv: string[]; running: (r: { code: number; stdout: string }) => boolean | undefined } {
  switch (manifest.kind) {
    case 'systemd-user':
      return { argv: systemdStatusCommand, running: (r) => r.stdout.trim() === 'active' };
    case 'launchd-agent':
      return { argv: launchdStatusCommand(ctx), running: (r) => r.code === 0 && /\bstate = running\b/.test(r.stdout) };
    case 'windows-service':
      return { argv: windowsStatusCommand(manifest, ctx), running: (r) => r.code === 0 && /\bRUNNING\b/.test(r.stdout) };
    case 'windows-logon':
      // The Run key says installed; whether it runs is the daemon's health (undefined: not known here).
      return { argv: windowsStatusCommand(manifest, ctx), running: () => undefined };
  }
}
