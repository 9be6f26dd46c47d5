import type { MiddlewareHandler } from 'hono';
import { tokensMatch } from '../security/token';
import { ApiError } from './errors';

/** Obsidian's desktop app origin; the only browser origin allowed to call the daemon. */
export const OBSIDIAN_ORIGIN = 'app://obsidian.md';

/**
 * Refuses requests whose Host is not the daemon's own loopback address, so a web page that
 * rebinds its DNS name to 127.0.0.1 cannot talk to the daemon.
 */
export function requireLoopbackHost(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    const p = port();
    const allowed = [`127.0.0.1:${p}`, `localhost:${p}`];
    if (!allowed.includes(host)) {
      throw new ApiError(403, 'forbidden_host', `Requests must be addressed to http://127.0.0.1:${p} (Host header "${host || '(none)'}" refused)`);
    }
    await next();
  };
}

/** CORS for Obsidian only: other browser origins are refused outright, not just left without headers. */
export function obsidianCors(): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    if (origin !== OBSIDIAN_ORIGIN) {
      throw new ApiError(403, 'forbidden_origin', `Origin "${origin}" is not allowed; only Obsidian (${OBSIDIAN_ORIGIN}) may call the daemon from a browser`);
    }
    c.header('Access-Control-Allow-Origin', OBSIDIAN_ORIGIN);
    c.header('Vary', 'Origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
  };
}

/** Bearer token on every route except the public ones. */
export function requireToken(token: () => string, isPublic: (method: string, path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'Send the daemon token as "Authorization: Bearer <token>" (run `hisho token` to print it)');
    }
    if (!tokensMatch(match[1] ?? '', token())) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'unauthorized', 'The token is wrong; run `hisho token` to print the current one');
    }
    await next();
  };
}
