import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectChecks } from '../../src/cli/doctor';
import { main } from '../../src/cli/main';
import { installPlugin, PLUGIN_FILES } from '../../src/cli/plugin-install';

function capture() {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return {
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    restore() {
      o.mockRestore();
      e.mockRestore();
    },
  };
}

describe('hisho CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hisho-cli-'));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help and the version', async () => {
    const io = capture();
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['--version'])).toBe(0);
    } finally {
      io.restore();
    }
    for (const command of ['serve', 'migrate', 'token', 'doctor', 'plugin install']) expect(io.out).toContain(command);
    expect(io.out).toMatch(/\d+\.\d+\.\d+\n$/);
  });

  it('says so for an unknown command', async () => {
    const io = capture();
    try {
      expect(await main(['frobnicate'])).toBe(2);
    } finally {
      io.restore();
    }
    expect(io.err).toContain('Unknown command "frobnicate"');
  });

  it('explains bad configuration in one message instead of a stack trace', async () => {
    vi.stubEnv('HISHO_HOME', dir);
    vi.stubEnv('HISHO_PORT', 'eighty');
    const io = capture();
    try {
      expect(await main(['token'])).toBe(1);
    } finally {
      io.restore();
    }
    expect(io.err).toContain('HISHO_PORT="eighty"');
    expect(io.err).not.toContain('    at ');
  });

  it('prints the same token every time', async () => {
    vi.stubEnv('HISHO_HOME', dir);
    const io = capture();
    try {
      await main(['token']);
      await main(['token']);
    } finally {
      io.restore();
    }
    const [first, second] = io.out.trim().split('\n');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).toBe(first);
    expect((await readFile(join(dir, 'token'), 'utf8')).trim()).toBe(first);
  });

  describe('plugin install', () => {
    async function fakeBuild(): Promise<string> {
      const root = join(dir, 'build');
      await mkdir(root);
      for (const f of PLUGIN_FILES) await writeFile(join(root, f), `contents of ${f}`);
      return root;
    }

    it("copies the built plugin into the vault's plugin folder", async () => {
      const vault = join(dir, '私の保管庫 (vault)');
      await mkdir(join(vault, '.obsidian'), { recursive: true });
      let said = '';
      expect(await installPlugin(vault, { root: await fakeBuild(), out: (s) => (said += s) })).toBe(0);
      for (const f of PLUGIN_FILES) expect(await readFile(join(vault, '.obsidian', 'plugins', 'hisho', f), 'utf8')).toBe(`contents of ${f}`);
      expect(said).toContain('Community plugins');
    });

    it('refuses a folder that is not a vault, and a missing folder', async () => {
      const root = await fakeBuild();
      await expect(installPlugin(join(dir, 'missing'), { root })).rejects.toThrow(/is not a folder/);
      await mkdir(join(dir, 'plain'));
      await expect(installPlugin(join(dir, 'plain'), { root })).rejects.toThrow(/no \.obsidian folder/);
      expect(await installPlugin(join(dir, 'plain'), { root, force: true, out: () => undefined })).toBe(0);
    });

    it('asks for a build when the plugin is not built', async () => {
      const vault = join(dir, 'v');
      await mkdir(join(vault, '.obsidian'), { recursive: true });
      await expect(installPlugin(vault, { root: join(dir) })).rejects.toThrow(/npm run build/);
    });
  });

  it('doctor reports each check and the fix for what fails', async () => {
    vi.stubEnv('HISHO_HOME', dir);
    vi.stubEnv('HISHO_PORT', '0');
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:1');
    const checks = await collectChecks();
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['Node.js']?.ok).toBe(true);
    expect(byName.Config?.ok).toBe(true);
    expect(byName.Database).toMatchObject({ ok: true });
    expect(byName.Cache).toMatchObject({ ok: false, fix: expect.stringContaining('REDIS_URL') });
    expect(byName.Token).toMatchObject({ ok: false, fix: expect.stringContaining('hisho token') });
  }, 120_000);
});
