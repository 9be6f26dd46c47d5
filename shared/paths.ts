/**
 * Where Hisho keeps its config and data on each OS. Shared so the daemon and the plugin agree
 * on where the discovery file and the token live without the user typing a path.
 */
export interface PlatformInfo {
  platform: string; // process.platform
  env: Record<string, string | undefined>;
  homedir: string;
}

function join(sep: string, ...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

/** The default HISHO_HOME: %APPDATA%\Hisho, ~/Library/Application Support/Hisho, or $XDG_CONFIG_HOME/hisho. */
export function defaultHishoHome({ platform, env, homedir }: PlatformInfo): string {
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join('\\', homedir, 'AppData', 'Roaming');
    return join('\\', appData, 'Hisho');
  }
  if (platform === 'darwin') return join('/', homedir, 'Library', 'Application Support', 'Hisho');
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join('/', homedir, '.config');
  return join('/', xdg, 'hisho');
}

/** HISHO_HOME from the environment when set, else the OS default. */
export function resolveHishoHome(info: PlatformInfo): string {
  const fromEnv = info.env.HISHO_HOME?.trim();
  return fromEnv ? fromEnv : defaultHishoHome(info);
}

/** File names inside HISHO_HOME. */
export const HOME_FILES = {
  /** Written by a running daemon: where to reach it. */
  discovery: 'daemon.json',
  /** The bearer token, readable only by the user. */
  token: 'token',
  /** Optional config file (JSON). */
  config: 'config.json',
  /** The embedded database folder. */
  data: 'data',
  /** Held while a daemon owns the data folder. */
  lock: 'daemon.lock',
  /** The daemon's rotated log files (unless HISHO_LOG_DIR says otherwise). */
  logs: 'logs',
  /** How to start this daemon: { node, args } written by `hisho serve` and `hisho service install`. */
  launch: 'launch.json',
  /** What `hisho service install` added, so that uninstall removes exactly that. */
  serviceManifest: 'service.json',
  /** Files the service install generates (launchers, WinSW's definition). */
  service: 'service',
} as const;
