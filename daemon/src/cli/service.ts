import { readFile } from 'node:fs/promises';
import type { Config } from '../config';
import { processContext } from '../service/context';
import { applyPlan, processRunner, sameContent, type CommandRunner } from '../service/executor';
import { formatPlan } from '../service/format';
import { daemonState } from '../service/health';
import { installPlan, manifestPath, startStopPlan, statusCommand, uninstallPlan } from '../service/plan';
import type { ServiceContext, ServiceManifest, ServicePlan } from '../service/types';

export const SERVICE_USAGE = 'Usage: hisho service install|uninstall|start|stop|status [--dry-run] [--force] [--user]\n';

export interface ServiceOptions {
  dryRun?: boolean;
  /** install over an existing install: uninstall it first. */
  force?: boolean;
  /** Windows: a per-user start at logon even for an administrator. */
  user?: boolean;
  /** With --dry-run: show another OS's plan. */
  platform?: string;
}

export interface ServiceDeps {
  config: Config;
  runner?: CommandRunner;
  /** Injected by tests; otherwise built from this process. */
  context?: ServiceContext;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

export async function readManifest(path: string): Promise<ServiceManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as ServiceManifest;
    if (typeof m.kind === 'string' && Array.isArray(m.files) && typeof m.name === 'string') return m;
  } catch {
    // fall through
  }
  throw new Error(`${path} is not a valid Hisho service manifest. Remove the service by hand (see README) and delete that file.`);
}

const KIND_WORDS: Record<ServiceManifest['kind'], string> = {
  'systemd-user': 'a systemd user service',
  'launchd-agent': 'a launchd agent',
  'windows-service': 'a Windows service',
  'windows-logon': 'a per-user start at logon (Windows Run key)',
};

export async function runService(command: string | undefined, options: ServiceOptions, deps: ServiceDeps): Promise<number> {
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  const err = deps.err ?? ((s: string) => void process.stderr.write(s));
  const runner = deps.runner ?? processRunner;
  if (!command || !['install', 'uninstall', 'start', 'stop', 'status'].includes(command)) {
    err(SERVICE_USAGE);
    return 2;
  }
  if (options.platform && !options.dryRun) {
    err('--platform only previews another system\'s plan: use it with --dry-run.\n');
    return 2;
  }
  const base = deps.context ?? (await processContext(deps.config, runner, { platform: options.platform }));
  const daemon = await daemonState(deps.config.paths.discovery);
  const ctx: ServiceContext = { ...base, runningPid: base.runningPid ?? (daemon.state === 'running' ? daemon.pid : undefined) };
  const manifestFile = manifestPath(ctx);
  const existing = await readManifest(manifestFile);

  const apply = async (plan: ServicePlan): Promise<boolean> => {
    if (options.dryRun) {
      out(formatPlan(plan, ctx.platform));
      return true;
    }
    out(`${plan.summary}\n`);
    const result = await applyPlan(plan, { runner, platform: ctx.platform, out: (line) => out(`  ${line}`) });
    if (!result.ok) {
      err(`hisho service ${plan.action}: ${result.error ?? 'failed'}\n`);
      return false;
    }
    for (const note of plan.notes) out(`${note}\n`);
    return true;
  };

  switch (command) {
    case 'install': {
      const { plan, manifest } = installPlan(ctx, { perUser: options.user });
      if (existing && !options.force) {
        const definition = plan.steps.find((s) => s.kind === 'write' && s.path === manifest.definition);
        const upToDate =
          existing.kind === manifest.kind &&
          existing.node === manifest.node &&
          existing.entry === manifest.entry &&
          definition?.kind === 'write' &&
          (await sameContent(existing.definition, definition.content));
        if (upToDate) {
          out(`Hisho is already installed as ${KIND_WORDS[existing.kind]} (${existing.name}), up to date; nothing to do.\n`);
          return 0;
        }
        err(
          `Hisho is already installed as ${KIND_WORDS[existing.kind]} (${existing.name}, since ${existing.installedAt}, running ${existing.node} ${existing.entry}).\n` +
            'Nothing was changed. To replace it with the current settings run `hisho service install --force` (uninstalls the old one first), or `hisho service uninstall`.\n',
        );
        return 1;
      }
      if (existing && !(await apply(uninstallPlan(existing, ctx)))) return 1;
      if (!(await apply(plan))) return 1;
      if (!options.dryRun) out(`Installed ${KIND_WORDS[plan.kind]}. Check it with \`hisho service status\`.\n`);
      return 0;
    }
    case 'uninstall': {
      if (!existing) {
        out(`Hisho's startup service is not installed (no ${manifestFile}); nothing to remove.\n`);
        return 0;
      }
      if (!(await apply(uninstallPlan(existing, ctx)))) return 1;
      if (!options.dryRun) out(`Removed ${KIND_WORDS[existing.kind]}.\n`);
      return 0;
    }
    case 'start':
    case 'stop': {
      if (!existing) {
        err(`Hisho's startup service is not installed (no ${manifestFile}). Install it with \`hisho service install\`, or run the daemon with \`hisho serve\`.\n`);
        return 1;
      }
      return (await apply(startStopPlan(command, existing, ctx))) ? 0 : 1;
    }
    default: {
      // status
      const lines: string[] = [];
      if (!existing) {
        lines.push(`Service: not installed (no ${manifestFile}). Install it with \`hisho service install\`.`);
      } else {
        lines.push(`Service: installed as ${KIND_WORDS[existing.kind]} (${existing.name}) on ${existing.installedAt}; definition ${existing.definition}`);
        const probe = statusCommand(existing, ctx);
        const r = await runner.run(probe.argv);
        const running = probe.running(r);
        const manager =
          r.code === 127
            ? `unknown (${probe.argv[0]} is not available here)`
            : existing.kind === 'windows-logon'
              ? r.code === 0
                ? `registered in ${existing.registry?.key ?? 'the Run key'}`
                : 'the Run key value is missing (re-install with `hisho service install --force`)'
              : running
                ? 'running'
                : 'not running';
        lines.push(`Service manager: ${manager}`);
      }
      lines.push(
        daemon.state === 'running'
          ? `Daemon: running at ${daemon.url} (version ${daemon.version}, pid ${daemon.pid})`
          : daemon.state === 'stale'
            ? `Daemon: not running (the discovery file points at ${daemon.url}, but ${daemon.detail})`
            : 'Daemon: not running',
      );
      lines.push(`Logs: ${existing?.logs ?? ctx.paths.logs}`);
      out(`${lines.join('\n')}\n`);
      return 0;
    }
  }
}
