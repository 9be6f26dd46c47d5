/** Locating the drizzle/ migrations folder at run time. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

/**
 * The `drizzle/` folder: walking up from this module (source via tsx/vitest, or the bundle at
 * dist/hisho.mjs) to the folder holding package.json and drizzle/. HISHO_MIGRATIONS_DIR overrides.
 */
export function findMigrationsFolder(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const override = process.env.HISHO_MIGRATIONS_DIR;
  if (override) return path.resolve(override);
  const cached = cache.get(start);
  if (cached) return cached;
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'drizzle');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(candidate, 'meta', '_journal.json'))) {
      cache.set(start, candidate);
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`Cannot find the drizzle/ migrations folder above ${start} (looked for package.json + drizzle/meta/_journal.json)`);
}

