/**
 * End to end: a real daemon (PGlite, in-process cache, fresh HISHO_HOME), the plugin's real code
 * in Chromium, the status bar and the three views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../shared/i18n/en';
import { ja } from '../../../shared/i18n/ja';
import { startDaemon, type RunningDaemon } from './daemon-process';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

let daemon: RunningDaemon;
let harness: Harness | undefined;
let daemonVersion: string;

const enabled = browserTestsEnabled();

beforeAll(async () => {
  if (!enabled) return;
  daemon = await startDaemon();
  const health = (await (await fetch(`${daemon.url}/api/v1/health`)).json()) as { version: string };
  daemonVersion = health.version;
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
});

/** The language the daemon's preferences hold now. */
async function daemonLanguage(): Promise<string> {
  const response = await fetch(`${daemon.url}/api/v1/preferences`, { headers: { authorization: `Bearer ${daemon.token}` } });
  return ((await response.json()) as { language: string }).language;
}

describe.skipIf(!enabled)('status bar and views against a real daemon', () => {
  it('turns the status bar to connected with the daemon version', async () => {
    harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token });
    const status = harness.page.locator('.status-bar .hisho-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    const label = await status.textContent();
    expect(label).toContain(en['status.connected']);
    expect(label).toContain(daemonVersion);
    expect(await status.getAttribute('aria-label')).toContain(daemonVersion);
    // The daemon's language preference (default Japanese) follows the English UI, so answers and
    // failure sentences come in the language the person reads.
    await expect.poll(() => daemonLanguage(), { timeout: 10_000 }).toBe('en');
    await harness.screenshot('status-connected');
  });

  it.each([
    // The Librarian opens on its Search tab, whose empty state says what to type.
    ['hisho-librarian', 'view.librarian', 'librarian.search'],
    ['hisho-discussions', 'view.discussions', 'view.discussions'],
    ['hisho-plans', 'view.plans', 'view.plans'],
  ] as const)('opens %s with its empty state and the connection state', async (type, prefix, empty) => {
    if (!harness) throw new Error('harness not started');
    await harness.openView(type);
    const view = harness.page.locator(`.workspace-leaf:not(.is-hidden) .workspace-leaf-content[data-type="${type}"]`);
    await expect.poll(() => view.locator('.hisho-empty-title').textContent()).toBe(en[`${empty}.empty.title`]);
    expect(await view.locator('.hisho-empty-body').textContent()).toBe(en[`${empty}.empty.body`]);
    expect(await view.locator('.view-header-title').textContent()).toBe(en[`${prefix}.name`]);
    await expect.poll(() => view.locator('.hisho-connection').getAttribute('data-state')).toBe('connected');
    expect(await view.locator('.hisho-connection').textContent()).toContain(daemonVersion);
    await harness.screenshot(`view-${type.replace('hisho-', '')}`);
  });

  it('reuses an open view (ribbon icon) and answers the check command with a Notice', async () => {
    if (!harness) throw new Error('harness not started');
    await harness.page.locator(`.side-dock-ribbon-action[aria-label="${en['view.plans.name']}"]`).click();
    await harness.openView('hisho-plans');
    expect(await harness.page.locator('.workspace-leaf-content[data-type="hisho-plans"]').count()).toBe(1);
    await expect.poll(() => harness?.page.locator('.workspace-leaf:not(.is-hidden) .hisho-empty').getAttribute('data-view')).toBe('hisho-plans');
    await harness.runCommand('check-daemon-connection');
    await expect.poll(() => harness?.page.locator('.notice').last().textContent()).toContain(daemonVersion);
  });

  it('renders the settings tab, and a language change there re-words the open view and the status bar', async () => {
    if (!harness) throw new Error('harness not started');
    const names = await harness.page.evaluate(() => {
      const plugin = window.hishoHarness.plugin as unknown as { settingTabs: { display(): void; containerEl: HTMLElement }[] };
      const tab = plugin.settingTabs[0];
      if (!tab) throw new Error('no settings tab');
      tab.display();
      document.querySelector('.workspace-split.mod-root')?.appendChild(tab.containerEl);
      return [...tab.containerEl.querySelectorAll('.setting-item-name')].map((el) => el.textContent);
    });
    expect(names).toEqual([
      en['settings.heading.connection'],
      en['settings.daemon-url.name'],
      en['settings.token.name'],
      en['settings.check.name'],
      en['settings.heading.assistants'],
      en['settings.assistants.name'],
      en['lib.heading'],
      en['lib.name'],
      en['settings.heading.display'],
      en['settings.language.name'],
    ]);
    await harness.page.selectOption('.vertical-tab-content select', 'ja');
    const page = harness.page;
    await expect.poll(() => page.locator('.workspace-leaf:not(.is-hidden) .hisho-empty-title').textContent()).toBe(ja['view.plans.empty.title']);
    expect(await page.locator('.status-bar .hisho-status').textContent()).toContain(ja['status.connected']);
    expect(await page.locator('.vertical-tab-content .setting-item-name').first().textContent()).toBe(ja['settings.heading.connection']);
    const saved = await page.evaluate(() => (window.hishoHarness.plugin as unknown as { savedData: { language: string } }).savedData.language);
    expect(saved).toBe('ja');
    await expect.poll(() => daemonLanguage(), { timeout: 10_000 }).toBe('ja');
    await harness.screenshot('settings-ja');
  });

  it('speaks Japanese when Obsidian does, and says so when the token is refused', async () => {
    await harness?.close();
    harness = await startHarness({ daemonUrl: daemon.url, token: 'not-the-token', language: 'ja' });
    const status = harness.page.locator('.status-bar .hisho-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('unauthorized');
    expect(await status.textContent()).toBe(ja['status.unauthorized']);
    await harness.openView('hisho-librarian');
    const view = harness.page.locator('.workspace-leaf-content[data-type="hisho-librarian"]');
    expect(await view.locator('.view-header-title').textContent()).toBe('司書AI');
    expect(await view.locator('.hisho-empty-title').textContent()).toBe(ja['librarian.search.empty.title']);
    await harness.screenshot('view-librarian-ja-unauthorized');
  });

  it('shows the daemon as not reachable once it stops', async () => {
    await harness?.close();
    harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token });
    const status = harness.page.locator('.status-bar .hisho-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await daemon.stop();
    await status.click();
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('unreachable');
    expect(await status.textContent()).toBe(en['status.unreachable']);
    await harness.openView('hisho-discussions');
    const line = harness.page.locator('.workspace-leaf-content[data-type="hisho-discussions"] .hisho-connection');
    await expect.poll(() => line.getAttribute('data-state')).toBe('unreachable');
    expect(await line.textContent()).toContain(en['connection.retry']);
    await harness.screenshot('status-unreachable');
  });
});
