import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/ops/backup';
import { rowsOf } from '../../src/ops/catalog';
import { BackupFileError, verifyBackupFile } from '../../src/ops/format';
import { DatabaseNotEmptyError, restoreBackup } from '../../src/ops/restore';
import { testDatabaseTargets, testPgUrl, type TestDatabase } from '../helpers/databases';
import { emptyTables, fillEveryTable, snapshot } from './fill';

/** Opening PGlite databases (WASM) is slow on a loaded machine (2 shared cores). */
const HEAVY_MS = 180_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hisho-backup-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites a backup's lines (then fixes the trailer's SHA-256 so only the intended check can fail). */
async function rewrite(src: string, dst: string, edit: (lines: string[]) => string[], fixSha = true): Promise<void> {
  const lines = gunzipSync(await readFile(src)).toString('utf8').split('\n').filter((l) => l.length > 0);
  let out = edit(lines.slice(0, -1));
  if (fixSha) {
    const body = out.map((l) => `${l}\n`).join('');
    out = [...out, JSON.stringify({ end: true, sha256: createHash('sha256').update(body, 'utf8').digest('hex') })];
  } else {
    out = [...out, lines[lines.length - 1] as string];
  }
  await writeFile(dst, gzipSync(Buffer.from(out.map((l) => `${l}\n`).join(''), 'utf8')));
}

for (const target of testDatabaseTargets()) {
  describe(`backup and restore on ${target.kind}`, () => {
    let source: TestDatabase;
    let file: string;
    let before: Awaited<ReturnType<typeof snapshot>>;

    beforeAll(async () => {
      source = await target.open();
      await fillEveryTable(source.db);
      before = await snapshot(source.db);
      file = path.join(dir, `${target.kind}.hisho-backup.gz`);
    });
    afterAll(async () => {
      await source?.dispose();
    });

    it('fills every table of the schema (so the round trip covers them all)', async () => {
      const empty = await emptyTables(source.db);
      if (empty.length > 0) console.warn(`tables without a representative row in daemon/test/ops/fill.ts: ${empty.join(', ')}`);
      expect(empty).toEqual([]);
    }, HEAVY_MS);

    it('round trip: back up, restore into a fresh database, every table equal row by row', async () => {
      const t0 = Date.now();
      const result = await backupDatabase(source, file);
      expect(result.header.tables.map((t) => t.name)).toEqual(Object.keys(before));
      expect(result.header.source.kind).toBe(target.kind);
      expect(result.header.schema.count).toBeGreaterThan(0);
      const fresh = await target.open();
      try {
        const restored = await restoreBackup(fresh, file);
        expect(restored.rows).toBe(Object.values(before).reduce((n, rows) => n + rows.length, 0));
        expect(await snapshot(fresh.db)).toEqual(before);
        // Sequences moved past the restored ids; the materialized view was refreshed.
        const [maxUser] = await rowsOf<{ m: string }>(fresh.db, sql`SELECT max(id)::text AS m FROM users`);
        const [next] = await rowsOf<{ id: string }>(
          fresh.db,
          sql`INSERT INTO users (username, email, full_name) VALUES ('after', 'after@example.invalid', 'After') RETURNING id::text AS id`,
        );
        expect(Number(next?.id)).toBeGreaterThan(Number(maxUser?.m));
        const [views] = await rowsOf<{ n: string }>(fresh.db, sql`SELECT count(*)::text AS n FROM workflow_summary`);
        expect(Number(views?.n)).toBe(before.workflows?.length);
      } finally {
        await fresh.dispose();
      }
      console.info(`${target.kind}: backup + restore + compare in ${Date.now() - t0} ms`);
    }, HEAVY_MS);

    it('refuses to restore over user data unless replace, then replaces in one transaction', async () => {
      const other = await target.open();
      try {
        await other.db.execute(sql`INSERT INTO teams (name) VALUES ('消えてはいけない')`);
        const err = await restoreBackup(other, file).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DatabaseNotEmptyError);
        expect((err as Error).message).toMatch(/teams/);
        const [still] = await rowsOf<{ n: string }>(other.db, sql`SELECT count(*)::text AS n FROM teams WHERE name = '消えてはいけない'`);
        expect(still?.n).toBe('1');
        await restoreBackup(other, file, { replace: true });
        expect(await snapshot(other.db)).toEqual(before);
      } finally {
        await other.dispose();
      }
    }, HEAVY_MS);

    it('refuses corrupt, truncated, foreign and newer files before changing anything', async () => {
      const bytes = await readFile(file);
      const cases: Record<string, Buffer> = {
        truncated: bytes.subarray(0, Math.floor(bytes.length * 0.6)),
        corrupt: Buffer.from(bytes.map((b, i) => (i === Math.floor(bytes.length / 2) ? b ^ 0xff : b))),
        foreignText: Buffer.from('-- PostgreSQL database dump\nSELECT 1;\n'),
        foreignGzip: gzipSync(Buffer.from('{"hello":"world"}\n')),
        empty: Buffer.alloc(0),
      };
      const bad: Array<[string, string]> = [];
      for (const [name, content] of Object.entries(cases)) {
        const f = path.join(dir, `${target.kind}-${name}.gz`);
        await writeFile(f, content);
        bad.push([name, f]);
      }
      // Re-compressed files that pass gzip's own checks: a row changed (SHA fixed: the table checksum catches it),
      // a row changed without fixing the SHA, a row removed, a newer schema.
      const edited = (name: string) => path.join(dir, `${target.kind}-${name}.gz`);
      await rewrite(file, edited('tamperedRow'), (ls) => ls.map((l) => l.replace('議事録の整理', '議事録の改竄')));
      await rewrite(file, edited('tamperedNoSha'), (ls) => ls.map((l) => l.replace('議事録の整理', '議事録の改竄')), false);
      await rewrite(file, edited('missingRow'), (ls) => ls.filter((l) => !l.includes('議事録の整理')));
      await rewrite(file, edited('newerSchema'), (ls) => {
        const h = JSON.parse(ls[0] as string) as { schema: { count: number; last: { createdAt: number } } };
        h.schema.count += 1;
        h.schema.last.createdAt = 4_102_444_800_000; // 2100
        return [JSON.stringify(h), ...ls.slice(1)];
      });
      await rewrite(file, edited('newerFormat'), (ls) => {
        const h = JSON.parse(ls[0] as string) as { formatVersion: number };
        h.formatVersion = 99;
        return [JSON.stringify(h), ...ls.slice(1)];
      });
      bad.push(...['tamperedRow', 'tamperedNoSha', 'missingRow', 'newerSchema', 'newerFormat'].map((n) => [n, edited(n)] as [string, string]));
      bad.push(['missing', path.join(dir, 'does-not-exist.gz')]);

      const messages: Record<string, string> = {};
      for (const [name, f] of bad) {
        const err = await restoreBackup(source, f, { replace: true }).catch((e: unknown) => e);
        expect(err, name).toBeInstanceOf(BackupFileError);
        messages[name] = (err as Error).message;
        expect((err as Error).message).toMatch(/Nothing was changed/);
      }
      expect(messages.truncated).toMatch(/truncated/);
      expect(messages.foreignText).toMatch(/not a Hisho backup/);
      expect(messages.foreignGzip).toMatch(/not a Hisho backup/);
      expect(messages.tamperedRow).toMatch(/checksum of table workflows/);
      expect(messages.tamperedNoSha).toMatch(/checksum of table workflows/);
      expect(messages.missingRow).toMatch(/workflows holds \d+ rows, the header says/);
      expect(messages.newerSchema).toMatch(/newer database schema/);
      expect(messages.newerFormat).toMatch(/format 99/);
      expect(messages.missing).toMatch(/does not exist/);
      // Nothing was dropped.
      expect(await snapshot(source.db)).toEqual(before);
    }, HEAVY_MS);

    it('a failed write (disk full) keeps the old backup and leaves no partial file', async () => {
      const folder = await mkdtemp(path.join(dir, 'full-'));
      const target = path.join(folder, 'nightly.hisho-backup.gz');
      await backupDatabase(source, target);
      const old = await readFile(target);
      let written = 0;
      const full = () =>
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            written += chunk.length;
            if (written > 512) cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
            else cb();
          },
        });
      const err = await backupDatabase(source, target, { openOutput: full }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/disk is full/);
      expect(await readFile(target)).toEqual(old);
      expect(await readdir(folder)).toEqual(['nightly.hisho-backup.gz']);
      await verifyBackupFile(target);
    }, HEAVY_MS);

    it('a folder that cannot be written gives a clear message', async () => {
      const blocker = path.join(dir, `${target.kind}-a-file`);
      await writeFile(blocker, 'x');
      const err = await backupDatabase(source, path.join(blocker, 'sub', 'b.hisho-backup.gz')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/Cannot write|ENOTDIR|EEXIST/);
    }, HEAVY_MS);
  });
}

describe.skipIf(!testPgUrl())('backup from PGlite, restore into PostgreSQL (and back)', () => {
  it('carries every table across engines and versions', async () => {
    const [lite, server] = testDatabaseTargets();
    if (!lite || !server) throw new Error('both targets expected');
    const a = await lite.open();
    const b = await server.open();
    const c = await lite.open();
    try {
      await fillEveryTable(a.db);
      const before = await snapshot(a.db);
      const f1 = path.join(dir, 'across-1.hisho-backup.gz');
      await backupDatabase(a, f1);
      await restoreBackup(b, f1);
      expect(await snapshot(b.db)).toEqual(before);
      const f2 = path.join(dir, 'across-2.hisho-backup.gz');
      await backupDatabase(b, f2);
      await restoreBackup(c, f2);
      expect(await snapshot(c.db)).toEqual(before);
    } finally {
      await a.dispose();
      await b.dispose();
      await c.dispose();
    }
  }, HEAVY_MS);
});
