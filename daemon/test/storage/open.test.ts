/** openDatabase's errors and the migrations folder search (no database server needed). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { findMigrationsFolder } from '../../src/db/migrations-folder';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('openDatabase with a URL', () => {
  it('a malformed URL gives a clear error that does not echo it', async () => {
    await expect(openDatabase({ url: 'not a url with secret', dataDir: os.tmpdir() })).rejects.toThrow(
      /Invalid PostgreSQL URL/,
    );
    const e = await openDatabase({ url: 'not a url with secret', dataDir: os.tmpdir() }).catch((x: Error) => x);
    expect((e as Error).message).not.toContain('secret');
  });

  it('a URL of another scheme is refused, naming the host', async () => {
    await expect(openDatabase({ url: 'mysql://u:pw@db.example:3306/x', dataDir: os.tmpdir() })).rejects.toThrow(
      /not postgres:\/\/.*db\.example/,
    );
  });

  it('an unreachable server gives an error naming host and port, never the password', async () => {
    const e = await openDatabase({ url: 'postgres://hisho:s3cr3tpw@127.0.0.1:1/hisho', dataDir: os.tmpdir() }).catch(
      (x: Error) => x,
    );
    expect(e).toBeInstanceOf(Error);
    const message = (e as Error).message;
    expect(message).toMatch(/Cannot connect to PostgreSQL at hisho@127\.0\.0\.1:1\/hisho/);
    expect(message).not.toContain('s3cr3tpw');
  });
});

describe('findMigrationsFolder', () => {
  it('finds drizzle/ from the source tree', () => {
    expect(findMigrationsFolder()).toBe(path.join(root, 'drizzle'));
  });

  it('finds drizzle/ from where the bundle lives (dist/hisho.mjs)', () => {
    expect(findMigrationsFolder(path.join(root, 'dist'))).toBe(path.join(root, 'drizzle'));
  });

  it('fails clearly when there is none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hisho-nomig-'));
    try {
      expect(() => findMigrationsFolder(dir)).toThrow(/Cannot find the drizzle\/ migrations folder/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('works inside an esbuild bundle (import.meta.url of the bundle)', async () => {
    // A throwaway package root with drizzle/ and a bundle in dist/, like an installed Hisho.
    const pkg = await mkdtemp(path.join(os.tmpdir(), 'hisho-bundle-'));
    try {
      await writeFile(path.join(pkg, 'package.json'), '{"type":"module"}');
      await mkdir(path.join(pkg, 'drizzle', 'meta'), { recursive: true });
      await writeFile(path.join(pkg, 'drizzle', 'meta', '_journal.json'), '{"entries":[]}');
      const entry = path.join(pkg, 'entry.ts');
      await writeFile(
        entry,
        `import { findMigrationsFolder } from ${JSON.stringify(path.join(root, 'daemon/src/db/migrations-folder.ts'))};\nconsole.log(findMigrationsFolder());\n`,
      );
      const out = path.join(pkg, 'dist', 'hisho.mjs');
      const esbuild = await import('esbuild');
      await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
      expect(existsSync(out)).toBe(true);
      const printed = execFileSync(process.execPath, [out], { encoding: 'utf8', env: { ...process.env, HISHO_MIGRATIONS_DIR: '' } }).trim();
      expect(printed).toBe(path.join(pkg, 'drizzle'));
    } finally {
      await rm(pkg, { recursive: true, force: true });
    }
  });
});
