/**
 * The vault while it is being indexed, end to end: a real daemon (PGlite) indexes a vault of
 * several thousand notes the test writes; the plugin registers it itself; with no pane open the
 * status bar shows the run's counts, and a click on it opens the Librarian pane, which shows the
 * progress, answers a search with what is indexed so far, and when the run ends searches again by
 * itself; the status bar then shows the connection again. Also: the folder filter offers the vault's
 * folders.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vault } from '../../../shared/contracts/vaults';
import { en } from '../../../shared/i18n/en';
import { startDaemon, type RunningDaemon } from './daemon-process';
import { writeFixtureVault, type FixtureVault } from './fixture-vault';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
/** Enough notes for the index run to outlast opening the pane and one search (several seconds on PGlite). */
const GENERATED = 6_000;
/** Every LANTERN_EVERY-th generated note has the word the test searches for. */
const LANTERN_EVERY = 10;
const LANTERNS = GENERATED / LANTERN_EVERY;

let daemon: RunningDaemon | undefined;
let vault: FixtureVault | undefined;
let harness: Harness | undefined;

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

async function ourVault(): Promise<Vault | undefined> {
  if (!daemon) throw new Error('no daemon');
  const response = await fetch(`${daemon.url}/api/v1/vaults`, { headers: { authorization: `Bearer ${daemon.token}` } });
  return ((await response.json()) as { items: Vault[] }).items.find((v) => v.path === vault?.path);
}

const pane = () => h().page.locator('.workspace-leaf-content[data-type="hisho-librarian"]');
const statusBar = () => h().page.locator('.status-bar .hisho-status');
/** en['status.indexing'] as a pattern: its two counts, digits grouped with commas. */
const INDEXING_LABEL = new RegExp(`^${en['status.indexing'].replace('{done}', '([\\d,]+)').replace('{total}', '([\\d,]+)')}$`);

beforeAll(async () => {
  if (!enabled) return;
  vault = await writeFixtureVault();
  const filler = 'A note written for the index test, with a few lines of ordinary text in it. '.repeat(12);
  for (let folder = 0; folder < GENERATED / 500; folder++) {
    const dir = join(vault.path, 'Generated', `Batch ${folder}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const n = folder * 500 + i;
        const word = n % LANTERN_EVERY === 0 ? 'lantern' : 'candle';
        return writeFile(join(dir, `Note ${n}.md`), `# Note ${n}\n\nThis one mentions a ${word}.\n\n${filler}\n`);
      }),
    );
  }
  daemon = await startDaemon();
}, 150_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await vault?.remove();
});

describe.skipIf(!enabled)('the Librarian pane while the vault is indexed', () => {
  it('the status bar shows the run with no pane open, and a click on it opens the pane', async () => {
    if (!daemon || !vault) throw new Error('not started');
    harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path });
    // The plugin registers the vault on connect, and the daemon starts indexing it.
    await expect.poll(async () => (await ourVault())?.status, { timeout: 30_000, interval: 50 }).toBe('indexing');
    await expect.poll(() => statusBar().getAttribute('data-state'), { timeout: 10_000, interval: 50 }).toBe('indexing');
    await expect.poll(async () => INDEXING_LABEL.exec((await statusBar().textContent()) ?? '')?.[1], { timeout: 30_000, interval: 50 }).toMatch(/[1-9]/);
    const [, done, total] = INDEXING_LABEL.exec((await statusBar().textContent()) ?? '') ?? [];
    const count = (text: string | undefined) => Number(text?.replace(/,/g, ''));
    expect(count(total)).toBeGreaterThanOrEqual(GENERATED);
    expect(count(total)).toBeLessThan(10_000);
    // Past 999 the counts are grouped (the test's total is always over 6,000).
    expect(total).toMatch(/^\d{1,3}(,\d{3})+$/);
    expect(count(done)).toBeLessThanOrEqual(count(total));
    expect(await statusBar().getAttribute('aria-label')).toContain(`of ${total} files`);
    expect(await pane().count()).toBe(0);
    await h().screenshot('status-bar-indexing');

    await statusBar().click();
    await expect.poll(() => pane().count(), { timeout: 10_000 }).toBe(1);
  });

  it('the pane shows the progress, and searches again by itself when the run ends; the status bar then shows the connection', async () => {
    if (!daemon || !vault) throw new Error('not started');

    const progress = pane().locator('.hisho-index-progress');
    await expect.poll(() => progress.count(), { timeout: 10_000, interval: 50 }).toBe(1);
    expect(await progress.locator('.hisho-index-progress-text').textContent()).toMatch(/^Indexing the vault: /);
    await h().screenshot('librarian-indexing');

    // Once the first notes are in, a search answers with what is indexed so far.
    await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    const status = pane().locator('.hisho-search-status');
    await pane().locator('.hisho-search-input').fill('lantern');
    await expect.poll(async () => [await status.getAttribute('data-query'), await status.getAttribute('data-state')], { timeout: 20_000, interval: 50 }).toEqual(['lantern', 'done']);
    const firstAnswer = await status.textContent();
    // The test means something only if that answer came while the vault was still being indexed.
    if ((await progress.count()) === 0) throw new Error(`the index run ended before the first search answered (${firstAnswer ?? ''}): raise GENERATED`);
    const partial = Number(new RegExp(`^${en['librarian.results.count'].replace('{count}', '(\\d+)')}$`).exec(firstAnswer ?? '')?.[1]);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(LANTERNS);

    // No typing from here on: the run ends, the progress goes, the results are searched again.
    await expect.poll(() => progress.count(), { timeout: 120_000, interval: 100 }).toBe(0);
    await expect
      .poll(() => pane().locator('.hisho-result-count').textContent(), { timeout: 20_000, interval: 100 })
      .toBe(en['librarian.results.count'].replace('{count}', String(LANTERNS)));
    expect(await pane().locator('.hisho-search-input').inputValue()).toBe('lantern');
    expect((await ourVault())?.status).toBe('idle');
    await expect.poll(() => statusBar().getAttribute('data-state'), { timeout: 10_000, interval: 50 }).toBe('connected');
    expect(await statusBar().textContent()).toContain(en['status.connected']);
  });

  it('the folder filter offers the vault’s folders with their note counts', async () => {
    await pane().locator('.hisho-filters-toggle').click();
    const options = pane().locator('#hisho-librarian-folder-list option');
    await expect.poll(() => options.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const listed = await options.evaluateAll((els) => els.map((el) => [el.getAttribute('value'), el.getAttribute('label')]));
    expect(listed).toEqual(
      expect.arrayContaining([
        ['Generated', `Generated (${GENERATED})`],
        ['Generated/Batch 0', 'Generated/Batch 0 (500)'],
        ['Meetings', 'Meetings (2)'],
        ['Projects/Alpha', 'Projects/Alpha (1)'],
      ]),
    );
    expect(await pane().locator('.hisho-filter-folder').getAttribute('list')).toBe('hisho-librarian-folder-list');
    // Picking one filters the search by it.
    await pane().locator('.hisho-filter-folder').fill('Generated/Batch 0');
    const status = pane().locator('.hisho-search-status');
    await expect.poll(() => pane().locator('.hisho-result-count').textContent(), { timeout: 10_000 }).toBe(
      en['librarian.results.count'].replace('{count}', String(500 / LANTERN_EVERY)),
    );
    expect(await status.getAttribute('data-state')).toBe('done');
  });
});
