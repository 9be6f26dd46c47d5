import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding Hisho's package.json, found by walking up from this module, so paths to
 * drizzle/ and the built plugin work both from source (tsx, vitest) and from dist/hisho.mjs.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hisho') return (cached = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Hisho package folder (package.json named "hisho") above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
