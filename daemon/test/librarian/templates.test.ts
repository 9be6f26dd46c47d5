/**
 * Templates: the files of the vault's template folder read from a real directory through HTTP,
 * then filled by the shared renderer as the plugin does (whole outputs).
 */
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

  it('no folder, a missing folder, a folder outside the vault and a link out of it list nothing', async () => {
    await t.json('PATCH', api(`/vaults/${vaultId}`), { body: { templateFolder: null } });
    expect(await list()).toEqual({ vault: vaultId, folder: null, folderExists: false, templates: [] });
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
