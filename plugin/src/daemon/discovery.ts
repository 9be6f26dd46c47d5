import { HOME_FILES } from '../../../shared/paths';
import type { UnreachableReason } from './reasons';
import { discoverySchema } from './schemas';

/** What discovery needs from the machine; the desktop one is in node-host.ts, tests pass their own. */
export interface DiscoveryHost {
  /** HISHO_HOME: the folder holding daemon.json and token. */
  hishoHome(): string;
  join(...parts: string[]): string;
  /** Rejects with an error whose `code` is 'ENOENT' when the file does not exist. */
  readFile(path: string): Promise<string>;
}

export interface DiscoveryOverrides {
  daemonUrl: string;
  token: string;
}

export type Discovered =
  | { ok: true; url: string; token: string; version?: string }
  | { ok: false; reason: UnreachableReason };

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Finds the daemon's URL and token. Settings overrides win; whatever they leave empty is read
 * from HISHO_HOME (daemon.json, token), so a user on one machine never types either.
 */
export async function discoverDaemon(overrides: DiscoveryOverrides, host: DiscoveryHost | null): Promise<Discovered> {
  let url = overrides.daemonUrl.trim().replace(/\/+$/, '');
  let token = overrides.token.trim();
  let version: string | undefined;
  if (url && token) return { ok: true, url, token };
  if (!host) {
    // No file system (not the desktop app): only the settings can say where the daemon is.
    return { ok: false, reason: { code: 'not-running', path: HOME_FILES.discovery } };
  }
  const home = host.hishoHome();

  if (!url) {
    const path = host.join(home, HOME_FILES.discovery);
    let text: string;
    try {
      text = await host.readFile(path);
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return { ok: false, reason: { code: 'not-running', path } };
      return { ok: false, reason: { code: 'discovery-invalid', path, detail: describe(e) } };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return { ok: false, reason: { code: 'discovery-invalid', path, detail: describe(e) } };
    }
    const parsed = discoverySchema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      return { ok: false, reason: { code: 'discovery-invalid', path, detail: `invalid ${fields}` } };
    }
    url = parsed.data.url.replace(/\/+$/, '');
    version = parsed.data.version;
  }

  if (!token) {
    const path = host.join(home, HOME_FILES.token);
    try {
      token = (await host.readFile(path)).trim();
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') return { ok: false, reason: { code: 'discovery-invalid', path, detail: describe(e) } };
    }
    if (!token) return { ok: false, reason: { code: 'token-missing', path } };
  }
  return version === undefined ? { ok: true, url, token } : { ok: true, url, token, version };
}
