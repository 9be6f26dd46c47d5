/**
 * Semantic search's settings end to end: a real daemon (PGlite) indexes the fixture vault, the
 * plugin's real code runs in Chromium, and a local server speaking the OpenAI embeddings protocol
 * answers scripted vectors. An Anthropic assistant cannot be chosen, a local server without a model
 * name is refused with the daemon's sentence, then with one the notes are embedded in the
 * background and the progress line counts them; a section the model refuses even shortened is
 * named under it; turning it off hides the lines.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply } from '../../../daemon/test/ai/protocol-server';
import { format } from '../../../shared/i18n';
import { en } from '../../../shared/i18n/en';
import { daemonApi, startDaemon, waitForVaultIndexed, type RunningDaemon } from './daemon-process';
import { writeFixtureVault, type FixtureVault } from './fixture-vault';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let provider: ProtocolServer | undefined;
let vault: FixtureVault | undefined;
let harness: Harness | undefined;

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

const api = <T>(method: string, path: string, body?: unknown) => daemonApi<T>(daemon, method, path, body);

type Semantic = { enabled: boolean; assistantId: number | null; model: string | null };
type Status = { notes: number; embeddedNotes: number; chunks: number; skippedSections: number; running: boolean };

beforeAll(async () => {
  if (!enabled) return;
  vault = await writeFixtureVault();
  provider = await startProtocolServer();
  daemon = await startDaemon();
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path, language: 'en' });
  await waitForVaultIndexed(daemon, vault.path, vault.notes);
  await api('POST', '/assistants', { name: 'Local', provider: 'openai_compatible', model: 'local-model', settings: { baseUrl: `${provider.url}/v1` } });
  await api('POST', '/assistants', { name: 'Claude', provider: 'claude', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-test-0000' });
}, 150_000);

afterEach(() => provider?.verify());

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await provider?.close();
  await vault?.remove();
});

describe.skipIf(!enabled)('semantic search in the librarian settings', () => {
  it('chooses an assistant that can embed, is refused without a model, embeds with one and shows the progress', async () => {
    await h().page.evaluate(() => {
      const plugin = window.hishoHarness.plugin as unknown as { settingTabs: { display(): void; containerEl: HTMLElement }[] };
      const tab = plugin.settingTabs[0];
      if (!tab) throw new Error('no settings tab');
      tab.display();
      document.querySelector('.workspace-split.mod-root')?.replaceChildren(tab.containerEl);
    });
    const section = h().page.locator('.vertical-tab-content .hisho-librarian-settings');
    await expect.poll(() => section.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    const group = section.locator('.hisho-lib-semantic-group');
    expect(await group.getAttribute('data-enabled')).toBe('false');
    expect(await group.locator('.hisho-lib-semantic-heading').textContent()).toBe(en['lib.semantic.heading']);

    const assistant = group.locator('#hisho-lib-semantic-assistant-input');
    const claude = assistant.locator('option', { hasText: 'Claude' });
    expect(await claude.textContent()).toBe(format(en['lib.semantic-assistant.no-embeddings'], { name: 'Claude' }));
    expect(await claude.isDisabled()).toBe(true);
    await assistant.selectOption({ label: 'Local (local-model)' });
    await expect.poll(async () => (await api<{ semantic: Semantic }>('GET', '/librarian')).semantic.assistantId).not.toBeNull();
    // A local server has no default model: the description asks for one.
    expect(await group.locator('.hisho-lib-semantic-model .setting-item-description').textContent()).toBe(en['lib.semantic-model.desc-local']);

    // click, not check(): the switch goes back off as soon as the daemon refuses, which check() would take for a failed click.
    await group.locator('#hisho-lib-semantic-input').click();
    const refusal = section.locator('.hisho-error[role="alert"]');
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.textContent()).toBe(en['librarian.semantic.problem.model-required']);
    await expect.poll(() => group.locator('#hisho-lib-semantic-input').isChecked()).toBe(false);
    expect((await api<{ semantic: Semantic }>('GET', '/librarian')).semantic.enabled).toBe(false);

    const model = group.locator('#hisho-lib-semantic-model-input');
    await model.fill('bge-m3');
    await model.press('Tab');
    await expect.poll(async () => (await api<{ semantic: Semantic }>('GET', '/librarian')).semantic.model).toBe('bge-m3');

    // The fixture vault is a few notes: one call embeds every section.
    provider?.script({
      expect: 'POST /v1/embeddings',
      reply: (r: Received): Reply => {
        expect(r.body.model).toBe('bge-m3');
        return { json: embeddingWire.openai((r.body.input as string[]).map((_, i) => [1, i, 0.5])) };
      },
    });
    await group.locator('#hisho-lib-semantic-input').click();
    await expect.poll(() => group.getAttribute('data-enabled')).toBe('true');
    await expect.poll(async () => (await api<Status>('GET', '/librarian/embeddings')).embeddedNotes, { timeout: 15_000 }).toBe(vault?.notes);
    const status = await api<Status>('GET', '/librarian/embeddings');
    const progress = group.locator('.hisho-lib-semantic-progress');
    const expected = format(en['lib.semantic.progress'], { done: status.notes, total: status.notes, chunks: status.chunks });
    await expect.poll(() => progress.textContent(), { timeout: 15_000 }).toBe(expected);
    expect(await group.locator('.hisho-lib-semantic-error').count()).toBe(0);

    // A new note whose section the local model refuses whole, at a half and at a quarter: skipped, and named.
    const tooLong: Reply = { status: 400, json: openaiWire.error("This model's maximum context length is 512 tokens, however you requested 2000 tokens. Please reduce your prompt.") };
    provider?.script(...[1, 2, 3].map(() => ({ expect: 'POST /v1/embeddings', reply: tooLong })));
    await writeFile(join(vault!.path, 'Long notes.md'), `# Long notes\n\n${'A very long paragraph about the roadmap and the budget. '.repeat(40)}\n`, 'utf8');
    await expect.poll(async () => (await api<Status>('GET', '/librarian/embeddings')).skippedSections, { timeout: 20_000 }).toBe(1);
    expect(await api<Status>('GET', '/librarian/embeddings')).toMatchObject({ notes: vault!.notes + 1, embeddedNotes: vault!.notes + 1, chunks: status.chunks });
    const skipped = group.locator('.hisho-lib-semantic-skipped');
    await expect.poll(() => skipped.textContent(), { timeout: 15_000 }).toBe(format(en['librarian.semantic.skipped'], { heading: 'Long notes', path: 'Long notes.md' }));
    expect(await group.locator('.hisho-lib-semantic-error').count()).toBe(0);
    await h().screenshot('librarian-semantic-settings');

    await group.locator('#hisho-lib-semantic-input').click();
    await expect.poll(() => group.getAttribute('data-enabled')).toBe('false');
    expect(await progress.count()).toBe(0);
    expect(await skipped.count()).toBe(0);
    expect((await api<{ semantic: Semantic }>('GET', '/librarian')).semantic).toMatchObject({ enabled: false, model: 'bge-m3' });
  });
});
