/**
 * GET /folders: a vault's folders with their note counts, for the search pane's folder picker,
 * against real notes in a real database (PGlite; PostgreSQL too when HISHO_TEST_PG_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { createVault, insertNotes } from './fixtures';

describe.each(testDatabaseTargets())('folders on $kind', (target) => {
  let app: TestApp;
  let vaultId: number;

  beforeAll(async () => {
    app = await createTestApp(await target.open());
    vaultId = await createVault(app.database.db, '/vaults/folders');
    await insertNotes(app.database.db, vaultId, [
      { path: 'Root note.md', body: 'at the root' },
      { path: 'Projects/Plan.md', body: 'plan' },
      { path: 'Projects/Alpha/Roadmap.md', body: 'plan' },
      { path: 'Projects/Alpha/Budget.md', body: 'plan' },
      { path: 'Projects/Beta/Deep/Spec.md', body: 'plan' },
      { path: '会議/議事録.md', body: '会議' },
      { path: 'projects/lower.md', body: 'another folder in another case' },
    ]);
    const other = await createVault(app.database.db, '/vaults/other');
    await insertNotes(app.database.db, other, [{ path: 'Elsewhere/Note.md', body: 'not this vault' }]);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('lists every folder with the notes directly in it and below it, parents included, the root left out', async () => {
    const r = await app.json('GET', `/api/v1/folders?vault=${vaultId}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.folders).toEqual([
      { folder: 'Projects', count: 1, total: 4 },
      { folder: 'Projects/Alpha', count: 2, total: 2 },
      { folder: 'Projects/Beta', count: 0, total: 1 },
      { folder: 'Projects/Beta/Deep', count: 1, total: 1 },
      { folder: 'projects', count: 1, total: 1 },
      { folder: '会議', count: 1, total: 1 },
    ]);
  });

  it('each folder’s total is what the search’s folder filter finds there', async () => {
    const r = await app.json('GET', `/api/v1/folders?vault=${vaultId}`);
    for (const { folder, total } of r.body.folders as Array<{ folder: string; total: number }>) {
      if (folder.toLowerCase() === 'projects') continue; // the filter is case-insensitive: both spellings together
      const found = await app.json('GET', `/api/v1/search?vault=${vaultId}&folder=${encodeURIComponent(folder)}&limit=100`);
      expect(found.body.total, folder).toBe(total);
    }
  });

  it('an empty vault has no folders; an unknown vault is 404, a missing one with several vaults 400', async () => {
    const empty = await createVault(app.database.db, '/vaults/empty');
    expect((await app.json('GET', `/api/v1/folders?vault=${empty}`)).body).toEqual({ folders: [] });
    const unknown = await app.json('GET', '/api/v1/folders?vault=999999');
    expect(unknown.status).toBe(404);
    const missing = await app.json('GET', '/api/v1/folders');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/vault/);
  });
});
