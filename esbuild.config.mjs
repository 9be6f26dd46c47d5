// Builds the Obsidian plugin (main.js, CommonJS for Obsidian's loader) and the daemon (dist/hisho.mjs).
//   node esbuild.config.mjs            both, production
//   node esbuild.config.mjs plugin     the plugin only
//   node esbuild.config.mjs daemon     the daemon only
//   node esbuild.config.mjs plugin --watch   rebuild the plugin on change (not minified)
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** @param {{ watch?: boolean }} [options] */
export function pluginOptions({ watch = false } = {}) {
  return {
    absWorkingDir: root,
    entryPoints: ['plugin/src/main.ts'],
    outfile: 'main.js',
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'es2021',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*', ...nodeBuiltins],
    minify: !watch,
    sourcemap: watch ? 'inline' : false,
    treeShaking: true,
    charset: 'utf8',
    logLevel: 'info',
    banner: { js: '/* Hisho — an Obsidian plugin. Built from plugin/src with esbuild. */' },
  };
}

export const DAEMON_ENTRY = 'daemon/src/cli/main.ts';

export function daemonOptions() {
  return {
    absWorkingDir: root,
    entryPoints: [DAEMON_ENTRY],
    outfile: 'dist/hisho.mjs',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // node_modules are resolved at run time: PGlite loads its wasm files relative to its own package.
    packages: 'external',
    sourcemap: true,
    logLevel: 'info',
  };
}

/**
 * @param {Array<'plugin' | 'daemon'>} [targets]
 * @param {{ watch?: boolean }} [options]
 */
export async function build(targets = ['plugin', 'daemon'], { watch = false } = {}) {
  for (const target of targets) {
    if (target === 'plugin') {
      if (watch) {
        const context = await esbuild.context(pluginOptions({ watch }));
        await context.watch();
        console.log('[build] watching plugin/src for changes');
      } else {
        await esbuild.build(pluginOptions());
      }
    } else if (target === 'daemon') {
      if (!existsSync(new URL(DAEMON_ENTRY, new URL('.', import.meta.url)))) {
        console.warn(`[build] skipping the daemon: ${DAEMON_ENTRY} does not exist yet`);
        continue;
      }
      await esbuild.build(daemonOptions());
    } else {
      throw new Error(`unknown build target: ${String(target)} (expected plugin or daemon)`);
    }
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const watch = args.includes('--watch') || args.includes('--dev');
  const named = args.filter((a) => !a.startsWith('--'));
  const targets = named.length > 0 ? named : watch ? ['plugin'] : ['plugin', 'daemon'];
  build(/** @type {Array<'plugin' | 'daemon'>} */ (targets), { watch }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
