import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { pluginOptions } from '../../esbuild.config.mjs';

/** main.js as esbuild.config.mjs builds it for release, kept in memory. */
async function buildMain(): Promise<string> {
  const result = await build({ ...pluginOptions(), write: false, logLevel: 'silent' });
  const out = result.outputFiles?.[0];
  if (!out) throw new Error('no output');
  return out.text;
}

describe('main.js', () => {
  it('stays small and loads as CommonJS with only obsidian and Node built-ins outside', async () => {
    const code = await buildMain();
    const bytes = Buffer.byteLength(code);
    // The budget for three panes (librarian, discussions, plans), settings and both languages
    // strings (~35 KB): Obsidian parses main.js at every start, so growth past this is a decision, not
    // an accident. The full zod (≈500 KB) slipping in through a shared import is what this catches.
    expect(bytes).toBeLessThan(384 * 1024);

    class Plugin {}
    const required: string[] = [];
    const nodeRequire = createRequire(import.meta.url);
    const fakeRequire = (id: string): unknown => {
      required.push(id);
      if (id === 'obsidian') return { Plugin, Component: class {}, ItemView: class {}, PluginSettingTab: class {}, Modal: class {}, Notice: class {} };
      return nodeRequire(id);
    };
    const module = { exports: {} as Record<string, unknown> };
    runInNewContext(code, { module, exports: module.exports, require: fakeRequire });
    const HishoPlugin = module.exports.default as { prototype: unknown };
    expect(typeof HishoPlugin).toBe('function');
    expect(HishoPlugin.prototype).toBeInstanceOf(Plugin);
    expect([...new Set(required)].sort()).toEqual(['child_process', 'fs/promises', 'obsidian', 'os', 'path']);
  });
});
