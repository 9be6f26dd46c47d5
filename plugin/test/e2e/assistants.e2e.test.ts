/**
 * The AI assistants settings end to end: a real daemon (PGlite, its own secret key), the plugin's
 * real code in Chromium, and a local server speaking OpenAI's protocol from a script, which the
 * daemon calls when the person presses Test. Adds an assistant for that local server (after a
 * refusal by the daemon that loses nothing typed), tests it (works, then a 401 in plain words),
 * edits it (new name, model and key, then the key removed), and removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../../../daemon/test/ai/protocol-server';
import { format } from '../../../shared/i18n';
import { en } from '../../../shared/i18n/en';
import { startDaemon, type RunningDaemon } from './daemon-process';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let provider: ProtocolServer | undefined;
let harness: Harness | undefined;

const KEY = 'sk-local-SECRET-key-1234';

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

/** The daemon's API, as the test's own check of what the settings did. */
async function daemonApi<T>(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: T }> {
  if (!daemon) throw new Error('no daemon');
  const response = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: (text ? JSON.parse(text) : undefined) as T };
}

type ApiAssistant = { id: number; name: string; model: string; provider: string; personaId: number | null; apiKey: { set: boolean; last4: string | null } };
const assistants = async () => (await daemonApi<{ items: ApiAssistant[] }>('GET', '/assistants')).json.items;

/** Renders the settings tab into the page, as opening Hisho's tab in Obsidian's settings would. */
async function openSettings(): Promise<void> {
  await h().page.evaluate(() => {
    const plugin = window.hishoHarness.plugin as unknown as { settingTabs: { display(): void; hide(): void; containerEl: HTMLElement }[] };
    const tab = plugin.settingTabs[0];
    if (!tab) throw new Error('no settings tab');
    tab.hide();
    tab.display();
    document.querySelector('.workspace-split.mod-root')?.replaceChildren(tab.containerEl);
  });
}

const section = () => h().page.locator('.vertical-tab-content .hisho-assistants');
const row = (name: string) => section().locator(`.hisho-assistant[data-name="${name}"]`);
const modal = () => h().page.locator('.modal-container .hisho-assistant-modal');
/** A form control, found by the id its row's label points at. */
const field = (cls: string) => modal().locator(`#${cls}-input`);

beforeAll(async () => {
  if (!enabled) return;
  provider = await startProtocolServer();
  daemon = await startDaemon();
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token });
}, 150_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await provider?.close();
});

describe.skipIf(!enabled)('AI assistants in the settings, against a real daemon and a local model server', () => {
  it('lists no assistants yet and offers to add one', async () => {
    await openSettings();
    await expect.poll(() => section().locator('.hisho-assistants-list').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    expect(await section().locator('.hisho-assistants-empty').textContent()).toBe(en['settings.assistants.empty']);
    const names = await h().page.locator('.vertical-tab-content .setting-item-name').allTextContents();
    expect(names).toContain(en['settings.heading.assistants']);
  });

  it('adds an assistant for a local server; the daemon’s refusal is shown beside the form and nothing typed is lost', async () => {
    const page = h().page;
    // A persona that disappears while the form is open: the form cannot know, the daemon refuses.
    const doomed = await daemonApi<{ id: number }>('POST', '/personas', { name: 'Short-lived', personality: 'Brief.' });
    await openSettings();
    await expect.poll(() => section().locator('.hisho-assistants-list').getAttribute('data-state')).toBe('ready');
    await section().locator('.hisho-assistant-add').click();
    await expect.poll(() => modal().count()).toBe(1);
    expect(await page.locator('.modal-container .modal-title').textContent()).toBe(en['settings.assistant.add.title']);

    // The form's own checks first: nothing is sent.
    await modal().locator('.hisho-assistant-save').click();
    expect(await modal().locator('.hisho-assistant-name .hisho-field-error').textContent()).toBe(en['settings.assistant.error.name']);
    expect(await modal().locator('.hisho-assistant-model .hisho-field-error').textContent()).toBe(en['settings.assistant.error.model']);

    await modal().getByLabel(en['settings.assistant.name.name'], { exact: true }).fill('Local llama');
    expect(await modal().locator('.hisho-assistant-name .hisho-field-error').count()).toBe(0);
    expect(await modal().locator('.hisho-assistant-base-url').count()).toBe(0);
    await field('hisho-assistant-provider').selectOption('openai_compatible');
    // The local server's address appears, at Ollama's by default, with LM Studio's one click away.
    expect(await field('hisho-assistant-base-url').inputValue()).toBe('http://127.0.0.1:11434/v1');
    await modal().locator('.hisho-preset-lm-studio').click();
    expect(await field('hisho-assistant-base-url').inputValue()).toBe('http://127.0.0.1:1234/v1');
    await field('hisho-assistant-base-url').fill(`${provider?.url}/v1`);
    await field('hisho-assistant-model').fill('llama3.2');
    await field('hisho-assistant-persona').selectOption(String(doomed.json.id));
    expect((await daemonApi('DELETE', `/personas/${doomed.json.id}`)).status).toBe(204);
    await h().screenshot('settings-assistant-add');

    await modal().locator('.hisho-assistant-save').click();
    const failure = modal().locator('.hisho-form-error');
    await expect.poll(() => failure.textContent()).toMatch(new RegExp(`personaId ${doomed.json.id} does not exist`));
    expect(await modal().locator('.hisho-field-error').count()).toBe(0);
    expect(await field('hisho-assistant-name').inputValue()).toBe('Local llama');
    expect(await field('hisho-assistant-model').inputValue()).toBe('llama3.2');
    expect(await field('hisho-assistant-base-url').inputValue()).toBe(`${provider?.url}/v1`);
    expect(await assistants()).toEqual([]);

    // A persona written in the form instead.
    await field('hisho-assistant-persona').selectOption('new');
    await field('hisho-persona-name').fill('Local helper');
    await field('hisho-persona-personality').fill('Answers briefly, in the language of the question.');
    await modal().locator('.hisho-assistant-save').click();
    await expect.poll(() => modal().count()).toBe(0);

    const [saved] = await assistants();
    expect(saved).toMatchObject({ name: 'Local llama', provider: 'openai_compatible', model: 'llama3.2', apiKey: { set: false } });
    const persona = await daemonApi<{ name: string }>('GET', `/personas/${saved?.personaId}`);
    expect(persona.json.name).toBe('Local helper');
    await expect.poll(() => row('Local llama').count()).toBe(1);
    const details = await row('Local llama').locator('.hisho-assistant-details').textContent();
    expect(details).toBe(
      [en['settings.assistant.provider.openai_compatible'], 'llama3.2', 'Persona: Local helper', en['settings.assistants.key.none'], en['settings.assistants.usage.none']].join(' · '),
    );
    expect(await row('Local llama').locator('.hisho-assistant-status').textContent()).toBe(en['settings.assistants.active']);
  });

  it('tests the connection: the answer’s latency when it works, the provider’s refusal in plain words when not', async () => {
    provider?.script({ expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion('OK') } });
    await row('Local llama').locator('.hisho-assistant-test-button').click();
    const result = row('Local llama').locator('.hisho-assistant-test');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 30_000 }).toBe('ok');
    expect(await result.textContent()).toMatch(/^Connection works: it answered in \d+ ms\.$/);
    await expect.poll(() => row('Local llama').locator('.hisho-assistant-details').textContent()).toContain(en['settings.assistants.usage.one']);
    provider?.verify();

    // The daemon words the failure in the person's language: English here, like the UI.
    expect((await daemonApi('PATCH', '/preferences', { language: 'en' })).status).toBe(200);
    provider?.script({ expect: 'POST /v1/chat/completions', reply: { status: 401, json: openaiWire.error('Incorrect API key provided', 'invalid_api_key') } });
    await row('Local llama').locator('.hisho-assistant-test-button').click();
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 30_000 }).toBe('failed');
    const text = await result.textContent();
    expect(text).toMatch(/^Connection failed\. .*refused the API key/);
    expect(text).not.toMatch(/Incorrect API key provided|invalid_api_key|\{/);
    await h().screenshot('settings-assistant-test-failed');
    provider?.verify();
  });

  it('edits it: new name, model and key (shown only as its last four characters), then the key removed', async () => {
    await row('Local llama').locator('.hisho-assistant-edit').click();
    await expect.poll(() => modal().count()).toBe(1);
    expect(await h().page.locator('.modal-container .modal-title').textContent()).toBe(format(en['settings.assistant.edit.title'], { name: 'Local llama' }));
    expect(await field('hisho-assistant-name').inputValue()).toBe('Local llama');
    expect(await field('hisho-assistant-base-url').inputValue()).toBe(`${provider?.url}/v1`);
    expect(await modal().locator('.hisho-assistant-key .setting-item-description').textContent()).toBe(en['settings.assistant.key.desc.local']);
    await field('hisho-assistant-name').fill('Local qwen');
    await field('hisho-assistant-model').fill('qwen2.5');
    await field('hisho-assistant-key').fill(KEY);
    expect(await field('hisho-assistant-key').getAttribute('type')).toBe('password');
    await modal().locator('.hisho-assistant-save').click();
    await expect.poll(() => modal().count()).toBe(0);

    await expect.poll(() => row('Local qwen').count()).toBe(1);
    expect(await row('Local qwen').locator('.hisho-assistant-details').textContent()).toContain('qwen2.5 · Persona: Local helper · Key …1234');
    const listed = await daemonApi('GET', '/assistants');
    expect(listed.text).not.toContain('SECRET');
    expect((await assistants())[0]).toMatchObject({ name: 'Local qwen', model: 'qwen2.5', apiKey: { set: true, last4: '…1234' } });
    expect(await h().page.locator('body').innerHTML()).not.toContain('SECRET');

    // The stored key is never put back in the field; it can be removed explicitly.
    await row('Local qwen').locator('.hisho-assistant-edit').click();
    await expect.poll(() => modal().count()).toBe(1);
    expect(await field('hisho-assistant-key').inputValue()).toBe('');
    expect(await modal().locator('.hisho-assistant-key .setting-item-description').textContent()).toBe(
      format(en['settings.assistant.key.desc.stored'], { last4: '…1234' }),
    );
    await modal().locator('.hisho-key-remove').click();
    expect(await modal().locator('.hisho-assistant-key .setting-item-description').textContent()).toBe(en['settings.assistant.key.desc.removing']);
    expect(await field('hisho-assistant-key').isDisabled()).toBe(true);
    await modal().locator('.hisho-assistant-save').click();
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => row('Local qwen').locator('.hisho-assistant-details').textContent()).toContain(en['settings.assistants.key.none']);
    expect((await assistants())[0]?.apiKey).toMatchObject({ set: false, last4: null });
  });

  it('removes it only after confirmation', async () => {
    const confirmDialog = () => h().page.locator('.modal-container .hisho-confirm-modal');
    await row('Local qwen').locator('.hisho-assistant-remove').click();
    await expect.poll(() => confirmDialog().count()).toBe(1);
    expect(await confirmDialog().locator('.hisho-confirm-message').textContent()).toBe(format(en['settings.assistants.remove.body'], { name: 'Local qwen' }));
    await confirmDialog().locator('.hisho-confirm-no').click();
    await expect.poll(() => confirmDialog().count()).toBe(0);
    expect(await assistants()).toHaveLength(1);

    await row('Local qwen').locator('.hisho-assistant-remove').click();
    await confirmDialog().locator('.hisho-confirm-yes').click();
    await expect.poll(() => row('Local qwen').count()).toBe(0);
    expect(await section().locator('.hisho-assistants-empty').textContent()).toBe(en['settings.assistants.empty']);
    expect(await assistants()).toEqual([]);
  });

  it('says why when the daemon cannot be reached, in the connection’s own words', async () => {
    await daemon?.stop();
    await openSettings();
    const status = section().locator('.hisho-assistants-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('error');
    const text = await status.locator('.hisho-assistants-error').textContent();
    expect(text).toMatch(/^Not connected\. Nothing answers at http:\/\/127\.0\.0\.1:\d+\/daemon; the daemon may have stopped\.$/);
    expect(await status.locator('.hisho-assistants-retry').textContent()).toBe(en['connection.retry']);
    await h().screenshot('settings-assistants-unreachable');
  });
});
