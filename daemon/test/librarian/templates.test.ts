/**
 * Templates: the files of the vault's template folder read from a real directory through HTTP,
 * then filled by the shared renderer as the plugin does (whole outputs); and, where Hisho has no
 * template folder of its own, Obsidian's (its config folder's templates.json), read from disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateListSchema } from '../../../shared/contracts/librarian';
import { renderTemplate } from '../../../shared/templates/render';
import { MemoryCacheStore } from '../../src/cache/memory';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { tempVault, type TempVault } from '../vault/helpers';
import { api, indexVault, VAULT_FILES } from './helpers';

describe('templates of a vault', () => {
  let t: TestApp;
  let vault: TempVault;
  let outside: TempVault;
  let vaultId: number;

  beforeAll(async () => {
    t = await createTestApp(await testDatabaseTargets()[0]!.open(), new MemoryCacheStore());
    ({ vault, vaultId } = await indexVault(t, { ...VAULT_FILES, 'Templates/.hidden.md': 'x', 'Templates/notes.txt': 'not a template', 'Templates/Weekly.MD': 'Week {{date:W}}' }, { templateFolder: 'Templates' }));
    outside = await tempVault({ 'Secret.md': 'outside the vault' });
  });
  afterAll(async () => {
    await t?.dispose();
    await vault?.dispose();
    await outside?.dispose();
  });

  const list = async (vaultParam?: string) => {
    const r = await t.json('GET', api(`/templates${vaultParam ? `?vault=${encodeURIComponent(vaultParam)}` : ''}`));
    expect(r.status).toBe(200);
    return templateListSchema.parse(r.body);
  };

  it('lists the Markdown files of the template folder, sub-folders included, with their content as written', async () => {
    expect(await list()).toEqual({
      vault: vaultId,
      folder: 'Templates',
      folderExists: true,
      templates: [
        { name: 'Daily', path: 'Templates/Daily.md', content: '---\ncreated: {{date}}\n---\n# {{title}}\n\n## Tasks\n' },
        { name: 'Minutes', path: 'Templates/Meetings/Minutes.md', content: '# {{title}} — {{date:YYYY年M月D日}}\n\n- 出席者:\n- 議題:\n' },
        { name: 'Weekly', path: 'Templates/Weekly.MD', content: 'Week {{date:W}}' },
      ],
    });
    expect((await list(vault.root)).vault).toBe(vaultId);
  });

  it('fills a listed template with the shared renderer', async () => {
    const minutes = (await list()).templates.find((x) => x.name === 'Minutes')!;
    expect(renderTemplate(minutes.content, { title: '定例会議', now: new Date(2024, 3, 9, 14, 5) })).toBe('# 定例会議 — 2024年4月9日\n\n- 出席者:\n- 議題:\n');
    const daily = (await list()).templates.find((x) => x.name === 'Daily')!;
    expect(renderTemplate(daily.content, { title: '2024-04-09', now: new Date(2024, 3, 9, 14, 5) })).toBe('---\ncreated: 2024-04-09\n---\n# 2024-04-09\n\n## Tasks\n');
  });

  it('a missing folder, a folder outside the vault and a link out of it list nothing', async () => {
    await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: 'Nope' } });
    expect(await list()).toMatchObject({ folder: 'Nope', folderExists: false, templates: [] });
    const escape = path.relative(vault.root, outside.root).split(path.sep).join('/');
    await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: escape } });
    expect((await list()).templates).toEqual([]);
    if (os.platform() !== 'win32') {
      await mkdir(path.join(vault.root, 'Links'), { recursive: true });
      await symlink(outside.root, path.join(vault.root, 'Links', 'Out'));
      await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: 'Links/Out' } });
      expect(await list()).toMatchObject({ folderExists: false, templates: [] });
    }
    await writeFile(path.join(vault.root, 'Templates', 'Later.md'), 'added {{time}}');
    await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: '/Templates/' } });
    expect((await list()).templates.map((x) => x.name)).toEqual(['Daily', 'Later', 'Minutes', 'Weekly']);
  });

  it('an unknown vault is 404', async () => {
    expect((await t.json('GET', api('/templates?vault=999999'))).status).toBe(404);
  });
});

describe('the template folder of a vault without one of Hisho’s own', () => {
  let t: TestApp;
  let vault: TempVault;
  let vaultId: number;

  beforeAll(async () => {
    t = await createTestApp(await testDatabaseTargets()[0]!.open(), new MemoryCacheStore());
    vault = await tempVault({
      'Note.md': '# A note',
      'テンプレート/日報.md': '# {{title}}',
      'Other/Weekly.md': 'Week {{date:W}}',
      'templates/Default.md': 'the default folder',
    });
    // Registered as the plugin does it: Hisho's own folder is left unset.
    const r = await t.json('POST', api('/vaults'), { body: { path: vault.root } });
    expect(r.status).toBe(200);
    expect(r.body.templateFolder).toBeNull();
    vaultId = r.body.id;
  });
  afterAll(async () => {
    await t?.dispose();
    await vault?.dispose();
  });

  const list = async (query = '') => {
    const r = await t.json('GET', api(`/templates?vault=${vaultId}${query}`));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return templateListSchema.parse(r.body);
  };
  const names = async (query = '') => (await list(query)).templates.map((x) => x.path);

  it('uses the folder of Obsidian’s Templates core plugin, from .obsidian/templates.json', async () => {
    expect(await names()).toEqual(['templates/Default.md']);
    await vault.write('.obsidian/templates.json', JSON.stringify({ folder: '/テンプレート/', dateFormat: 'YYYY-MM-DD' }));
    expect(await list()).toEqual({ vault: vaultId, folder: 'テンプレート', folderExists: true, templates: [{ name: '日報', path: 'テンプレート/日報.md', content: '# {{title}}' }] });
  });

  it('reads a renamed config folder when the client names it; a config folder without templates.json means the default', async () => {
    await vault.write('.config-renamed/templates.json', JSON.stringify({ folder: 'Other' }));
    expect(await names('&configDir=.config-renamed')).toEqual(['Other/Weekly.md']);
    expect(await names('&configDir=.obsidian')).toEqual(['テンプレート/日報.md']);
    expect(await names('&configDir=.nowhere')).toEqual(['templates/Default.md']);
  });

  it('Hisho’s own folder, once set, wins over Obsidian’s; set back to null, Obsidian’s again', async () => {
    expect((await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: 'Other' } })).status).toBe(200);
    expect(await names()).toEqual(['Other/Weekly.md']);
    expect((await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: null } })).status).toBe(200);
    expect(await names()).toEqual(['テンプレート/日報.md']);
  });

  it.each([
    ['cut short', '{"folder": "テンプ'],
    ['a list', '["テンプレート"]'],
    ['null', 'null'],
    ['a number for the folder', '{"folder": 3}'],
    ['an empty folder', '{"folder": "  "}'],
    ['a folder out of the vault', '{"folder": "../outside"}'],
    ['no folder key', '{"dateFormat": "YYYY"}'],
    ['empty', ''],
  ])('a templates.json that is %s falls back to the default folder quietly', async (_name, content) => {
    await vault.write('.obsidian/templates.json', content);
    expect(await list()).toMatchObject({ folder: 'templates', folderExists: true });
    expect(await names()).toEqual(['templates/Default.md']);
  });

  it('a templates.json that is a folder, or (where there are FIFOs) a FIFO, falls back too, without blocking', async () => {
    await vault.remove('.obsidian/templates.json');
    await mkdir(path.join(vault.root, '.obsidian', 'templates.json'));
    expect(await names()).toEqual(['templates/Default.md']);
    await vault.remove('.obsidian/templates.json');
    if (os.platform() !== 'win32') {
      execFileSync('mkfifo', [path.join(vault.root, '.obsidian', 'templates.json')]);
      expect(await names()).toEqual(['templates/Default.md']);
      await vault.remove('.obsidian/templates.json');
    }
  });

  it.each([
    ['a path', '../.obsidian', 'configDir must be the name of the vault’s config folder'],
    ['a nested path', '.obsidian/sub', 'configDir must be the name of the vault’s config folder'],
    ['nothing', '', 'configDir must not be empty'],
  ])('refuses a configDir that is %s (400, saying what to send)', async (_name, configDir, message) => {
    const r = await t.json('GET', api(`/templates?vault=${vaultId}&configDir=${encodeURIComponent(configDir)}`));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
  });
});
