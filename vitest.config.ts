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
    expect: {
      // A test that asserts nothing is a defect: it fails.
      requireAssertions: true,
      // What a browser or a daemon shows can take more than the default second on a loaded
      // 2-core machine; a poll that succeeds still returns at once.
      poll: { timeout: 10_000 },
    },
  },
});
