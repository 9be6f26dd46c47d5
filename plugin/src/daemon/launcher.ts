import type { LaunchInfo } from '../../../shared/launch';
import { HOME_FILES } from '../../../shared/paths';
import type { DiscoveryHost } from './discovery';
import type { UnreachableReason } from './reasons';

/**
 * Starting the daemon from Obsidian when it is not running: the pure parts. HISHO_HOME/launch.json
 * (written by `hisho serve` and `hisho service install`) says which Node and entry to run.
 */

/** What the machine must offer to start a process; the desktop one is in node-launcher.ts. */
export interface LaunchHost extends DiscoveryHost {
  platform: string;
  /** Starts a detached process without a window, never through a shell. */
  spawnDetached(command: string, args: string[], options: { cwd?: string; env: Record<string, string> }): Promise<void>;
}

export type LaunchInfoResult = { ok: true; info: LaunchInfo; path: string } | { ok: false; path: string; detail?: string };

/** Checked by hand: the plugin bundles zod/mini only, and the daemon's schema (shared/launch.ts) is full zod. */
function parseLaunchInfo(json: unknown): LaunchInfo | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string';
  if (!str(o.node) || !o.node || !Array.isArray(o.args) || !o.args.every(str)) return undefined;
  if (o.cwd !== undefined && !str(o.cwd)) return undefined;
  if (!str(o.version) || !str(o.writtenAt) || (o.writtenBy !== 'serve' && o.writtenBy !== 'service install')) return undefined;
  return json as LaunchInfo;
}

export async function readLaunchInfo(host: DiscoveryHost): Promise<LaunchInfoResult> {
  const path = host.join(host.hishoHome(), HOME_FILES.launch);
  let text: string;
  try {
    text = await host.readFile(path);
  } catch {
    return { ok: false, path };
  }
  try {
    const info = parseLaunchInfo(JSON.parse(text));
    return info ? { ok: true, info, path } : { ok: false, path, detail: 'invalid content' };
  } catch (e) {
    return { ok: false, path, detail: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether the daemon is simply not running (so starting it may help), as opposed to e.g. a bad token. */
export function daemonIsDown(reason: UnreachableReason): boolean {
  return reason.code === 'not-running' || reason.code === 'refused';
}

/** The argv to start the daemon: `node ...args serve`. */
export function serveCommand(info: LaunchInfo): { command: string; args: string[] } {
  return { command: info.node, args: [...info.args, 'serve'] };
}

function quote(arg: string, platform: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg)) return arg;
  if (platform === 'win32') return `"${arg.replace(/"/g, '\\"')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command a user types in a terminal to install the service (it needs one: elevation, prompts). */
export function installServiceCommand(info: LaunchInfo | undefined, platform: string): string {
  if (!info) return 'hisho service install';
  const argv = [info.node, ...info.args, 'service', 'install'];
  const line = argv.map((a) => quote(a, platform)).join(' ');
  // PowerShell needs the call operator before a quoted program path.
  return platform === 'win32' && line.startsWith('"') ? `& ${line}` : line;
}

export type StartResult = { ok: true } | { ok: false; reason: 'launch-missing'; path: string } | { ok: false; reason: 'spawn-failed'; detail: string };

/** Spawns `hisho serve` as recorded in launch.json, with this computer's HISHO_HOME. */
export async function startDaemonProcess(host: LaunchHost, env: Record<string, string | undefined>): Promise<StartResult> {
  const found = await readLaunchInfo(host);
  if (!found.ok) return { ok: false, reason: 'launch-missing', path: found.path };
  const { command, args } = serveCommand(found.info);
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  childEnv.HISHO_HOME = host.hishoHome();
  try {
    await host.spawnDetached(command, args, { cwd: found.info.cwd, env: childEnv });
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: 'spawn-failed', detail: e instanceof Error ? e.message : String(e) };
  }
}
