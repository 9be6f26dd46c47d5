/**
 * The Librarian pane end to end: a real daemon (PGlite) indexes a vault the test writes, the
 * plugin (its real code, in Chromium) registers that vault itself on connect, and the pane
 * searches it, filters, moves with the keyboard, opens notes, follows the active note and
 * browses tags.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vault } from '../../../shared/contracts/vaults';
import { en } from '../../../shared/i18n/en';
import { ja } from '../../../shared/i18n/ja';
import { startDaemon, waitForVaultIndexed, type RunningDaemon } from './daemon-process';
import { writeFixtureVault, type FixtureVault } from './fixture-vault';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let vault: FixtureVault | undefined;
let harness: Harness | undefined;

async function vaults(): Promise<Vault[]> {
  if (!daemon) throw new Error('no daemon');
  const response = await fetch(`${daemon.url}/api/v1/vaults`, { headers: { authorization: `Bearer ${daemon.token}` } });
  return ((await response.json()) as { items: Vault[] }).items;
}

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

const pane = () => h().page.locator('.workspace-leaf-content[data-type="hisho-librarian"]');
const input = () => pane().locator('.hisho-search-input');
const options = () => pane().locator('[role="listbox"] [role="option"]');
const paths = (list: Locator) => list.evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));
const opened = () => h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.map((l) => ({ ...l })));

/** Types `text` and waits for its answer (not an earlier query's, still on screen while the new one runs). */
async function search(text: string, state = 'done'): Promise<void> {
  await input().fill(text);
  const status = pane().locator('.hisho-search-status');
  await expect
    .poll(async () => [await status.getAttribute('data-query'), await status.getAttribute('data-state')], { timeout: 10_000 })
    .toEqual([text, state]);
}

beforeAll(async () => {
  if (!enabled) return;
  vault = await writeFixtureVault();
  daemon = await startDaemon();
  // The plugin registers its own vault (the stand-in's FileSystemAdapter reports this folder).
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path });
  await waitForVaultIndexed(daemon, vault.path, vault.notes);
}, 150_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await vault?.remove();
});

describe.skipIf(!enabled)('the Librarian pane against a real daemon and vault', () => {
  it('was registered by the plugin itself, once', async () => {
    const registered = (await vaults()).filter((v) => v.path === vault?.path);
    expect(registered).toHaveLength(1);
  });

  it('searches as you type, with snippets marked and the count', async () => {
    await h().openView('hisho-librarian');
    await expect.poll(() => pane().locator('.hisho-connection').getAttribute('data-state')).toBe('connected');
    await search('roadmap');
    const found = await paths(options());
    expect(found).toEqual(expect.arrayContaining(['Projects/Alpha/Roadmap.md', 'Meetings/Weekly sync.md', 'Daily/2024-05-01.md', 'Welcome.md']));
    expect(found).not.toContain('Recipes.md');
    expect(await pane().locator('.hisho-result-count').textContent()).toBe(en['librarian.results.count'].replace('{count}', String(found.length)));
    const marks = await pane().locator('.hisho-result-snippet mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.toLowerCase().startsWith('roadmap'))).toBe(true);
    // The folder line, and the tags, as the result shows them.
    const roadmap = options().filter({ has: h().page.locator('.hisho-result-title', { hasText: /^Roadmap$/ }) });
    expect(await roadmap.locator('.hisho-result-folder').textContent()).toBe('Projects/Alpha');
    expect(await roadmap.locator('.hisho-tag').allTextContents()).toEqual(['#project/alpha']);
    await h().screenshot('librarian-search');
  });

  it('finds the Japanese note for 会議の議事録 (no spaces)', async () => {
    await search('会議の議事録');
    expect((await paths(options()))[0]).toBe('Meetings/会議の議事録.md');
    const marks = await options().first().locator('mark').allTextContents();
    expect(marks.join('')).toMatch(/会議|議事録/);
    await h().screenshot('librarian-search-ja');
  });

  it('says so when nothing matches, and shows the daemon’s sentence for a refused query', async () => {
    await search('zebracornflakes');
    expect(await pane().locator('.hisho-no-results').textContent()).toBe(en['librarian.results.none']);
    expect(await options().count()).toBe(0);
    await search('a'.repeat(1001), 'error');
    expect(await pane().locator('.hisho-search-status .hisho-error').textContent()).toContain('at most 1000 characters');
  });

  it('filters by tag from the control and from the query syntax', async () => {
    await input().fill('');
    expect(await pane().locator('.hisho-filter-tag').isVisible()).toBe(false);
    await pane().locator('.hisho-filters-toggle').click();
    await pane().locator('.hisho-filter-tag').fill('project/alpha');
    expect(await pane().locator('.hisho-filters-toggle').textContent()).toBe(en['librarian.filters.active'].replace('{count}', '1'));
    await search('roadmap');
    expect((await paths(options())).sort()).toEqual(['Projects/Alpha/Roadmap.md', 'Welcome.md']);
    await h().screenshot('librarian-filters');
    await pane().locator('.hisho-filter-clear').click();
    await search('budget folder:Meetings');
    expect((await paths(options())).sort()).toEqual(['Meetings/Weekly sync.md']);
    await search('tag:meeting');
    expect((await paths(options())).sort()).toEqual(['Meetings/Weekly sync.md', 'Meetings/会議の議事録.md']);
  });

  it('moves with ↑/↓, opens with Enter (Mod+Enter in a new pane), clears with Escape', async () => {
    await search('roadmap');
    const found = await paths(options());
    await input().press('ArrowDown');
    await input().press('ArrowDown');
    expect(await options().nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options().nth(0).getAttribute('aria-selected')).toBe('false');
    expect(await input().getAttribute('aria-activedescendant')).toBe(await options().nth(1).getAttribute('id'));
    await h().screenshot('librarian-keyboard');
    await input().press('Enter');
    await expect.poll(opened).toContainEqual({ linktext: found[1], sourcePath: '', newLeaf: false });
    await input().press('ArrowUp');
    await input().press('Control+Enter');
    await expect.poll(opened).toContainEqual({ linktext: found[0], sourcePath: '', newLeaf: true });
    await input().press('Escape');
    expect(await input().inputValue()).toBe('');
    expect(await options().count()).toBe(0);
  });

  it('shows the active note’s related notes with their reasons, follows the active note, opens on click', async () => {
    const related = pane().locator('.hisho-related');
    await h().page.evaluate(() => window.hishoHarness.app.workspace.setActiveFile('Welcome.md'));
    const items = related.locator('.hisho-related-item');
    await expect.poll(() => paths(items), { timeout: 10_000 }).toEqual(expect.arrayContaining(['Projects/Alpha/Roadmap.md', 'Meetings/会議の議事録.md']));
    const roadmap = related.locator('.hisho-related-item[data-path="Projects/Alpha/Roadmap.md"]');
    const reasons = await roadmap.locator('.hisho-reason').evaluateAll((els) => els.map((el) => el.getAttribute('data-reason')));
    expect(reasons).toEqual(expect.arrayContaining(['link', 'backlink', 'tag']));
    expect(await roadmap.locator('.hisho-reason-tag').textContent()).toContain('#project/alpha');
    await h().screenshot('librarian-related');

    // Another note becomes active: the section follows it.
    await h().page.evaluate(() => window.hishoHarness.app.workspace.setActiveFile('Meetings/会議の議事録.md'));
    await expect.poll(() => related.locator('.hisho-section-subtitle').textContent()).toContain('会議の議事録');
    await expect.poll(() => paths(items)).toContain('Welcome.md');
    await related.locator('.hisho-related-item[data-path="Welcome.md"] .hisho-related-link').click();
    await expect.poll(opened).toContainEqual({ linktext: 'Welcome.md', sourcePath: '', newLeaf: false });
  });

  it('browses tags with counts, nested tags under their parents, and filters on click', async () => {
    await pane().locator('.hisho-tags summary').click();
    const rows = pane().locator('.hisho-tag-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const row = (tag: string) => pane().locator(`.hisho-tag-row[data-tag="${tag}"]`);
    expect(await row('project').locator('.hisho-tag-count').textContent()).toBe('3');
    expect(await row('project/alpha').locator('.hisho-tag-count').textContent()).toBe('2');
    expect(await row('project/alpha').getAttribute('data-depth')).toBe('1');
    expect(await row('project/alpha').locator('.hisho-tag-name').textContent()).toBe('#alpha');
    expect(await row('meeting').locator('.hisho-tag-count').textContent()).toBe('2');
    expect(await row('会議').locator('.hisho-tag-count').textContent()).toBe('1');
    await row('project/alpha').locator('button').click();
    expect(await pane().locator('.hisho-filter-tag').inputValue()).toBe('project/alpha');
    await expect.poll(() => paths(options()).then((p) => p.sort()), { timeout: 10_000 }).toEqual(['Projects/Alpha/Roadmap.md', 'Welcome.md']);
    await h().screenshot('librarian-tags');
  });

  it('speaks Japanese in a Japanese Obsidian', async () => {
    if (!daemon || !vault) throw new Error('not started');
    await harness?.close();
    harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path, language: 'ja' });
    await h().openView('hisho-librarian');
    expect(await input().getAttribute('placeholder')).toBe(ja['librarian.search.placeholder']);
    await h().page.evaluate(() => window.hishoHarness.app.workspace.setActiveFile('Welcome.md'));
    await search('会議 予算');
    expect(await paths(options())).toContain('Meetings/会議の議事録.md');
    expect(await pane().locator('.hisho-result-count').textContent()).toMatch(/件のノート$/);
    await expect.poll(() => pane().locator('.hisho-related-item').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await pane().locator('.hisho-tags summary').click();
    await expect.poll(() => pane().locator('.hisho-tag-row').count()).toBeGreaterThan(0);
    await h().screenshot('librarian-ja');
  });
});
