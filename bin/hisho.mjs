#!/usr/bin/env node
// The `hisho` command: runs the bundled daemon CLI built by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/hisho.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('hisho: the daemon is not built yet; run `npm run build` in the Hisho folder first.\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
