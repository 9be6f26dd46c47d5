/**
 * docker-compose.yml: parses, publishes every port on 127.0.0.1 only, and takes every password from
 * the environment (.env), never a literal in the file; docs/operations.md documents the upgrade of
 * the PostgreSQL major version the file pins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMigrationsFolder } from '../../src/db/migrations-folder';

const root = path.dirname(findMigrationsFolder());
const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  ports?: Array<string | { host_ip?: string; published?: string | number; target?: number }>;
  environment?: Record<string, string | number | null> | string[];
  command?: string | string[];
  network_mode?: string;
}

/** js-yaml 3 comes with gray-matter; without it, a focused reader of the lines this test needs. */
function parseCompose(): { services: Record<string, Service> } {
  try {
    const require = createRequire(import.meta.url);
    const yaml = createRequire(require.resolve('gray-matter'))('js-yaml') as { safeLoad(s: string): unknown };
    return yaml.safeLoad(text) as { services: Record<string, Service> };
  } catch {
    return readComposeLines();
  }
}

function readComposeLines(): { services: Record<string, Service> } {
  {
    const services: Record<string, Service> = {};
    let current: Service | undefined;
    let list: string | undefined;
    for (const line of text.split('\n')) {
      const svc = /^ {2}([a-z0-9_-]+):\s*$/.exec(line);
      if (svc && text.indexOf('services:') < text.indexOf(line)) {
        current = services[svc[1] as string] = { ports: [], environment: {}, command: [] };
        list = undefined;
        continue;
      }
      if (/^\S/.test(line)) current = undefined;
      if (!current) continue;
      const key = /^ {4}([a-z_]+):\s*(.*)$/.exec(line);
      if (key) {
        list = key[1];
        if (key[1] === 'image') current.image = key[2];
        continue;
      }
      const item = /^ {6}- "?(.*?)"?\s*$/.exec(line);
      if (item && list === 'ports') (current.ports as string[]).push(item[1] as string);
      if (item && list === 'command') (current.command as string[]).push(item[1] as string);
      const env = /^ {6}([A-Z_]+):\s*(.*)$/.exec(line);
      if (env && list === 'environment') (current.environment as Record<string, string>)[env[1] as string] = env[2] as string;
    }
    return { services };
  }
}

const compose = parseCompose();
const services = Object.entries(compose.services);

/** `${VAR}`, `${VAR:?message}` or `${VAR?message}`: from the environment, with no default value in the file. */
const fromEnvironment = /^\$\{[A-Z_][A-Z0-9_]*(:?\?[^}]*)?\}$/;

describe('docker-compose.yml', () => {
  it('parses and has the PostgreSQL and Redis services', () => {
    expect(services.length).toBeGreaterThan(0);
    expect(compose.services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(compose.services.redis?.image).toMatch(/^redis:\d+/);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    let published = 0;
    for (const [name, s] of services) {
      expect(s.network_mode, `${name}: network_mode host would bypass the loopback bind`).not.toBe('host');
      for (const p of s.ports ?? []) {
        published++;
        if (typeof p === 'string') {
          expect(p, `${name}: ${p}`).toMatch(/^127\.0\.0\.1:(\d+|\$\{[A-Z_]+(:-\d+)?\}):\d+(\/(tcp|udp))?$/);
        } else {
          expect(p.host_ip, `${name}: ${JSON.stringify(p)}`).toBe('127.0.0.1');
        }
      }
    }
    expect(published).toBeGreaterThan(0);
  });

  it('takes every password from the environment (no literal, no default)', () => {
    let secrets = 0;
    for (const [name, s] of services) {
      const env = Array.isArray(s.environment)
        ? Object.fromEntries(s.environment.map((e) => e.split('=', 2) as [string, string]))
        : (s.environment ?? {});
      for (const [key, value] of Object.entries(env)) {
        if (!/PASSWORD|SECRET|TOKEN/i.test(key)) continue;
        secrets++;
        expect(String(value), `${name}.environment.${key}`).toMatch(fromEnvironment);
      }
      const command = Array.isArray(s.command) ? s.command.map(String) : String(s.command ?? '').split(/\s+/);
      for (const [i, arg] of command.entries()) {
        if (arg !== '--requirepass') continue;
        secrets++;
        expect(command[i + 1], `${name}: --requirepass`).toMatch(fromEnvironment);
      }
    }
    expect(secrets).toBeGreaterThanOrEqual(2);
    // The example file exists; the real .env is never committed.
    expect(existsSync(path.join(root, '.env.example'))).toBe(true);
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('the fallback line reader (used without js-yaml) sees the same ports, passwords and images', () => {
    const lines = readComposeLines();
    for (const [name, s] of services) {
      const f = lines.services[name];
      expect(f?.image, name).toBe(s.image);
      expect(f?.ports, name).toEqual((s.ports ?? []).map(String));
      const env = (s.environment ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(env).filter((k) => /PASSWORD/.test(k))) expect(f && (f.environment as Record<string, string>)[key], `${name}.${key}`).toBe(String(env[key]));
    }
  });

  it('docs/operations.md documents upgrading the PostgreSQL major version the file pins', () => {
    const major = /^postgres:(\d+)/.exec(compose.services.postgres?.image ?? '')?.[1];
    const docs = readFileSync(path.join(root, 'docs', 'operations.md'), 'utf8');
    expect(docs).toContain(`postgres:${major}`);
    expect(docs).toMatch(/pg_upgrade/);
    expect(docs).toMatch(/hisho backup/);
    expect(docs).toMatch(/hisho restore/);
  });
});
