import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The plugin's unit tests run without Obsidian: a small hand-written stub stands in.
    alias: { obsidian: fileURLToPath(new URL('./plugin/test/stubs/obsidian.ts', import.meta.url)) },
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['{daemon,plugin,shared}/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
