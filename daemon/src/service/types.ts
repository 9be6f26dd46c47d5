/**
 * The startup service as data: pure functions turn a `ServiceContext` into a `ServicePlan` (files to
 * write, commands to run as argv arrays), an executor applies it, `--dry-run` prints it.
 */
export type ServicePlatform = 'win32' | 'darwin' | 'linux';

/** What got installed. Windows has two: the real service (administrators) and the per-user start at logon. */
export type ServiceKind = 'windows-service' | 'windows-logon' | 'launchd-agent' | 'systemd-user';

export interface ServiceContext {
  platform: ServicePlatform;
  paths: {
    /** The Node executable the service runs (the installed one: process.execPath). */
    node: string;
    /** The daemon's entry, absolute: bin/hisho.mjs (runs dist/hisho.mjs). */
    entry: string;
    /** HISHO_HOME, absolute. */
    home: string;
    /** The log folder (HISHO_HOME/logs unless HISHO_LOG_DIR). */
    logs: string;
    /** The user's home folder (~). */
    userHome: string;
    /** Windows: node-windows' bundled WinSW executable (copied next to the service definition). */
    winsw?: string;
  };
  /** The service's environment: HISHO_HOME and the user's Hisho settings (HISHO_*, DATABASE_URL, REDIS_URL). */
  env: Record<string, string>;
  user: {
    name: string;
    /** macOS: the launchd domain is gui/<uid>. */
    uid?: number;
    /** Windows: whether this process may install a service (decides service vs per-user logon start). */
    isAdmin?: boolean;
  };
  /** Linux: $XDG_CONFIG_HOME when set (the unit goes to $XDG_CONFIG_HOME/systemd/user). */
  xdgConfigHome?: string;
  /** Windows: %SystemRoot% (for wscript.exe, sc.exe, reg.exe). */
  systemRoot?: string;
  /** The running daemon's pid, if any (to stop a per-user logon start). */
  runningPid?: number;
  /** The version being installed, and the time written into launch.json and the manifest. */
  version: string;
  now: string;
}

export type Step =
  | { kind: 'check'; argv: string[]; why: string; failure: string }
  | { kind: 'mkdir'; path: string }
  | { kind: 'write'; path: string; content: string; mode?: number; encoding?: 'utf8' | 'utf16le-bom' }
  | { kind: 'copy'; from: string; to: string }
  | { kind: 'run'; argv: string[]; why: string; mayFail?: boolean; detached?: boolean }
  | { kind: 'remove'; path: string }
  /** Removes a folder only when it is empty (Hisho's own service folder). */
  | { kind: 'rmdir'; path: string };

export type ServiceAction = 'install' | 'uninstall' | 'start' | 'stop';

export interface ServicePlan {
  action: ServiceAction;
  kind: ServiceKind;
  /** One sentence: what this plan does, e.g. which kind of service gets installed. */
  summary: string;
  steps: Step[];
  /** What the user should know (e.g. why a per-user start was chosen). */
  notes: string[];
}

/** HISHO_HOME/service.json: what install added, so uninstall removes exactly that. */
export interface ServiceManifest {
  kind: ServiceKind;
  version: string;
  installedAt: string;
  /** Files install wrote or copied (the manifest itself excluded). */
  files: string[];
  /** Service-manager names: the unit, the launchd label, the Windows service id or Run value. */
  name: string;
  /** Windows per-user: the registry value install created. */
  registry?: { key: string; value: string };
  /** The definition's main file (unit, plist, WinSW XML, launcher). */
  definition: string;
  /** Where the logs go. */
  logs: string;
  /** The node and entry the service runs (to tell when an install is out of date). */
  node: string;
  entry: string;
}
