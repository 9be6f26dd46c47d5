/** `hisho db move --to postgres://…`: the embedded database into an empty PostgreSQL server. */
import type { Config } from '../config';
import { moveToServer } from '../ops/move';

export async function runDbMove(config: Config, to: string | undefined, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  if (!to) throw new Error('Usage: hisho db move --to postgres://user:password@127.0.0.1:5432/hisho');
  const r = await moveToServer(config, to, { progress: (m) => out.write(`${m}\n`) });
  const width = Math.max(...r.report.tables.map((t) => t.table.length));
  for (const t of r.report.tables) out.write(`  ${t.table.padEnd(width)}  ${String(t.targetRows).padStart(8)} rows  checksum ${t.targetChecksum.slice(0, 12)}  ok\n`);
  const removeCmd = process.platform === 'win32' ? `rmdir /s /q "${r.oldDataFolder}"` : `rm -rf '${r.oldDataFolder.replace(/'/g, `'\\''`)}'`;
  out.write(
    `Moved ${r.rows} rows in ${r.tables} tables; row counts and checksums match on both sides.\n` +
      `Hisho now uses the server: "databaseUrl" was written to ${r.configFile}.\n` +
      `The old embedded database is kept in ${r.oldDataFolder}. Once the daemon runs well on the server, remove it with:\n  ${removeCmd}\n`,
  );
  return 0;
}
