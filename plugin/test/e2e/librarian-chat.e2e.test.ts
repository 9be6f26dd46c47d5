/**
 * The Librarian's AI end to end, in Japanese: a real daemon (PGlite) indexes a vault the test
 * writes, the plugin's real code runs in Chromium, and the "model" is a local server speaking
 * OpenAI's protocol from a script (the daemon calls it over HTTP). Covers: what to do while no
 * assistant is chosen, choosing one in the settings, a streamed answer whose citation opens its
 * note, inserting it into the note, stopping an answer (kept as incomplete), reopening and
 * continuing the conversation from the history, the nothing-found answer and its general-knowledge
 * retry, tags confirmed and written to the note's frontmatter, a question about the active note,
 * its summary and category, and a note created from a template.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import matter from 'gray-matter';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../../../daemon/test/ai/protocol-server';
import { format } from '../../../shared/i18n';
import { ja } from '../../../shared/i18n/ja';
import { daemonApi, startDaemon, waitForVaultIndexed, type RunningDaemon } from './daemon-process';
import { writeFixtureVault, type FixtureVault } from './fixture-vault';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let provider: ProtocolServer | undefined;
let vault: FixtureVault | undefined;
let harness: Harness | undefined;

/** Notes this test adds to the shared fixture vault. */
const EXTRA_NOTES: Record<string, string> = {
  'Notes/予算案.md': '---\ntags: budget, planning\naliases: [来期予算]\n---\n# 予算案\n\n来期の予算案。次回の会議で議論する。\n',
  'Templates/議事録.md': '---\ntags: [会議]\ncreated: {{date}}\n---\n# {{title}}\n\n日時: {{date:YYYY年M月D日}} {{time}}\n{{participants}}\n',
};
/** Obsidian's Templates core plugin settings, in the stand-in's config folder (not `.obsidian`: the plugin must ask the vault). */
const CORE_TEMPLATES = { folder: 'Templates', dateFormat: 'YYYY/MM/DD' };

const CHAT_COMPLETIONS = 'POST /v1/chat/completions';

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

const api = <T>(method: string, path: string, body?: unknown) => daemonApi<T>(daemon, method, path, body);

type ApiMessage = { role: string; content: string; incomplete: boolean; reason: string | null; citations: { path: string }[] };
const messagesOf = async (conversationId: string) => (await api<{ items: ApiMessage[] }>('GET', `/librarian/conversations/${conversationId}/messages`)).items;

const pane = () => h().page.locator('.workspace-leaf-content[data-type="hisho-librarian"]');
const chat = () => pane().locator('.hisho-chat');
const composer = () => chat().locator('.hisho-composer-input');
const answers = () => chat().locator('.hisho-chat-log > .hisho-answer:not(.is-streaming)');
const modal = (cls: string) => h().page.locator(`.modal-container .${cls}`);
const opened = () => h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.map((l) => l.linktext));
const vaultText = (path: string) => readFile(join(vault?.path ?? '', path), 'utf8');

/** Types a question and sends it with Enter, as a person would. */
async function ask(question: string): Promise<void> {
  await composer().fill(question);
  await composer().press('Enter');
}

/** A streamed reply of the local model server, a chunk at a time. */
function streamed(parts: string[], options: { chunkDelayMs?: number; end?: 'normal' | 'hang' } = {}) {
  const sse = openaiWire.stream(parts);
  // A hanging stream never finishes: only its first chunks are sent, then the connection stays open.
  return { sse: options.end === 'hang' ? sse.slice(0, parts.length + 1) : sse, chunkDelayMs: options.chunkDelayMs, end: options.end };
}

beforeAll(async () => {
  if (!enabled) return;
  vault = await writeFixtureVault();
  for (const [path, text] of Object.entries({ ...EXTRA_NOTES, '.vault-config/templates.json': JSON.stringify(CORE_TEMPLATES) })) {
    await mkdir(dirname(join(vault.path, path)), { recursive: true });
    await writeFile(join(vault.path, path), text, 'utf8');
  }
  provider = await startProtocolServer();
  daemon = await startDaemon();
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path, language: 'ja' });
  const notes = vault.notes + Object.keys(EXTRA_NOTES).length;
  await waitForVaultIndexed(daemon, vault.path, notes);
  await api('POST', '/assistants', { name: 'ローカル司書', provider: 'openai_compatible', model: 'local-model', settings: { baseUrl: `${provider.url}/v1` } });
}, 150_000);

afterEach(() => provider?.verify());

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await provider?.close();
  await vault?.remove();
});

describe.skipIf(!enabled)('the Librarian chat and commands against a real daemon and a local model server', () => {
  it('says what to configure while the librarian has no assistant, and opens the settings; the question is kept', async () => {
    await h().openView('hisho-librarian');
    await pane().locator('.hisho-tab[data-tab="chat"]').click();
    expect(await pane().locator('.hisho-tab[data-tab="chat"]').textContent()).toBe(ja['tab.chat']);
    await expect.poll(() => pane().locator('.hisho-librarian-chat .hisho-connection').count()).toBe(0);
    await ask('来期の予算について教えて');
    const failure = chat().locator('.hisho-chat-failure');
    await expect.poll(() => failure.count(), { timeout: 15_000 }).toBe(1);
    const { problemMessage } = await api<{ problemMessage: string }>('GET', '/librarian');
    expect(await failure.textContent()).toContain(problemMessage);
    expect(await composer().inputValue()).toBe('来期の予算について教えて');
    await h().screenshot('librarian-chat-not-configured');
    await failure.locator('.hisho-open-settings').click();
    expect(await h().page.evaluate(() => window.hishoHarness.app.setting.openedTabs)).toEqual(['hisho']);
  });

  it('chooses the librarian’s assistant and its search settings in the settings tab', async () => {
    await h().page.evaluate(() => {
      const plugin = window.hishoHarness.plugin as unknown as { settingTabs: { display(): void; hide(): void; containerEl: HTMLElement }[] };
      const tab = plugin.settingTabs[0];
      if (!tab) throw new Error('no settings tab');
      tab.display();
      document.querySelector('.workspace-split.mod-root')?.replaceChildren(tab.containerEl);
    });
    const section = h().page.locator('.vertical-tab-content .hisho-librarian-settings');
    await expect.poll(() => section.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    expect(await section.getAttribute('data-configured')).toBe('false');
    const names = await h().page.locator('.vertical-tab-content .setting-item-heading .setting-item-name').allTextContents();
    expect(names.indexOf(ja['lib.heading'])).toBe(names.indexOf(ja['settings.heading.assistants']) + 1);

    await section.getByLabel(ja['lib.assistant'], { exact: true }).selectOption({ label: 'ローカル司書 (local-model)' });
    await expect.poll(() => section.getAttribute('data-configured')).toBe('true');
    expect(await section.locator('.hisho-librarian-status').textContent()).toBe(format(ja['lib.ready'], { name: 'ローカル司書', model: 'local-model' }));

    const passages = section.locator('#hisho-lib-passages-input');
    await passages.fill('30');
    await passages.press('Tab');
    expect(await section.locator('.hisho-lib-passages .hisho-field-error').textContent()).toBe(ja['lib.passages.error']);
    await passages.fill('5');
    await passages.press('Tab');
    await expect.poll(async () => (await api<{ searchStrategies: { passages: number } }>('GET', '/librarian')).searchStrategies.passages).toBe(5);
    expect(await section.locator('.hisho-lib-passages .hisho-field-error').count()).toBe(0);
    const saved = await api<{ assistant: { name: string } | null; configured: boolean }>('GET', '/librarian');
    expect(saved).toMatchObject({ assistant: { name: 'ローカル司書' }, configured: true });
    await h().screenshot('librarian-settings');
  });

  it('answers a Japanese question as it streams; the citation opens its note and shows its passage', async () => {
    provider?.script({
      expect: CHAT_COMPLETIONS,
      check: (r) => expect(JSON.stringify(r.body)).toContain('来期の予算'),
      reply: streamed(['来期の予算は', '[[会議の議事録]]で', '議論されました。'], { chunkDelayMs: 400 }),
    });
    await composer().press('Enter'); // the question kept from the first test
    const streaming = chat().locator('.hisho-answer.is-streaming .hisho-answer-text');
    // The first words are on screen before the answer is complete.
    await expect.poll(() => streaming.textContent(), { timeout: 20_000 }).toContain('来期の予算は');
    await expect.poll(() => answers().count(), { timeout: 20_000 }).toBe(1);
    const answer = answers().first();
    expect(await answer.locator('.hisho-answer-text').textContent()).toBe('来期の予算は会議の議事録で議論されました。');
    expect(await chat().locator('.hisho-question').allTextContents()).toEqual(['来期の予算について教えて']);

    const citation = answer.locator('.hisho-answer-text .hisho-citation');
    expect(await citation.getAttribute('data-path')).toBe('Meetings/会議の議事録.md');
    expect(await citation.getAttribute('title')).toContain('予算');
    await answer.locator('.hisho-sources summary').click();
    expect(await answer.locator('.hisho-sources summary').textContent()).toBe(format(ja['chat.sources'], { count: 1 }));
    expect(await answer.locator('.hisho-source-passage').textContent()).toContain('来期の予算について議論した');
    await h().screenshot('librarian-chat-answer');
    await citation.click();
    await expect.poll(opened).toContain('Meetings/会議の議事録.md');
  });

  it('inserts the answer at the cursor of the open note', async () => {
    await answers().first().locator('.hisho-insert').click();
    const text = await h().page.evaluate(() => window.hishoHarness.app.workspace.markdownView?.editor.getValue());
    expect(text).toMatch(/#meeting\n来期の予算は\[\[会議の議事録\]\]で議論されました。$/);
  });

  it('stops an answer mid-stream: what arrived stays, marked incomplete, and the daemon keeps it so', async () => {
    provider?.script({ expect: CHAT_COMPLETIONS, reply: streamed(['次回の会議は', '月曜日'], { end: 'hang' }) });
    await ask('次の会議はいつ？');
    const streaming = chat().locator('.hisho-answer.is-streaming .hisho-answer-text');
    await expect.poll(() => streaming.textContent(), { timeout: 20_000 }).toBe('次回の会議は月曜日');
    await chat().locator('.hisho-chat-stop').click();
    await expect.poll(() => answers().count()).toBe(2);
    const stopped = answers().nth(1);
    expect(await stopped.getAttribute('data-incomplete')).toBe('true');
    expect(await stopped.locator('.hisho-answer-text').textContent()).toBe('次回の会議は月曜日');
    expect(await stopped.locator('.hisho-answer-incomplete').textContent()).toBe(ja['chat.stopped']);
    expect(await chat().locator('.hisho-chat-ask').isVisible()).toBe(true);
    await h().screenshot('librarian-chat-stopped');

    const conversationId = (await chat().getAttribute('data-conversation')) ?? '';
    await expect.poll(async () => (await messagesOf(conversationId)).map((m) => [m.role, m.incomplete]), { timeout: 20_000 }).toEqual([
      ['user', false],
      ['assistant', false],
      ['user', false],
      ['assistant', true],
    ]);
    expect((await messagesOf(conversationId))[3]?.content).toBe('次回の会議は月曜日');
  });

  it('reopens the conversation from the history, as the daemon stored it, and continues it', async () => {
    const conversationId = (await chat().getAttribute('data-conversation')) ?? '';
    await chat().locator('.hisho-chat-new').click();
    expect(await answers().count()).toBe(0);
    expect(await chat().getAttribute('data-conversation')).toBe('');

    await chat().locator('.hisho-chat-history-toggle').click();
    const item = chat().locator(`.hisho-history-item[data-id="${conversationId}"]`);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator('.hisho-history-title').textContent()).toBe('来期の予算について教えて');
    await item.click();
    await expect.poll(() => answers().count()).toBe(2);
    expect(await chat().getAttribute('data-conversation')).toBe(conversationId);
    expect(await answers().nth(0).locator('.hisho-citation').first().getAttribute('data-path')).toBe('Meetings/会議の議事録.md');
    const reopened = answers().nth(1);
    expect(await reopened.getAttribute('data-incomplete')).toBe('true');
    expect(await reopened.locator('.hisho-answer-incomplete').textContent()).toContain(ja['chat.cut']);
    await h().screenshot('librarian-chat-history');

    // The next question continues it: the model sees the earlier turns.
    provider?.script({
      expect: CHAT_COMPLETIONS,
      check: (r) => expect(JSON.stringify(r.body)).toContain('議論されました'),
      reply: streamed(['会議は[[会議の議事録]]のとおり月曜日です。']),
    });
    await ask('会議の曜日をもう一度');
    await expect.poll(() => answers().count(), { timeout: 20_000 }).toBe(3);
    expect(await chat().getAttribute('data-conversation')).toBe(conversationId);
    await expect.poll(async () => (await messagesOf(conversationId)).length).toBe(6);
  });

  it('says when the vault holds nothing relevant, and answers from general knowledge only when asked', async () => {
    await chat().locator('.hisho-chat-new').click();
    await ask('量子コンピューターの仕組みは？');
    await expect.poll(() => answers().count(), { timeout: 20_000 }).toBe(1);
    const nothing = answers().first();
    expect(await nothing.getAttribute('data-mode')).toBe('nothing_found');
    expect(await nothing.locator('.hisho-insert').count()).toBe(0);
    await h().screenshot('librarian-chat-nothing-found');

    provider?.script({ expect: CHAT_COMPLETIONS, reply: streamed(['量子ビットの重ね合わせを使います。']) });
    await nothing.locator('.hisho-ask-general').click();
    await expect.poll(() => answers().count(), { timeout: 20_000 }).toBe(2);
    const general = answers().nth(1);
    expect(await general.getAttribute('data-mode')).toBe('general');
    expect(await general.locator('.hisho-answer-note').textContent()).toBe(ja['chat.general']);
    expect(await general.locator('.hisho-answer-text').textContent()).toBe('量子ビットの重ね合わせを使います。');
  });

  it('suggests tags with reasons; only the ones ticked are merged into the note’s frontmatter', async () => {
    await h().page.evaluate(() => window.hishoHarness.app.workspace.setActiveFile('Notes/予算案.md'));
    provider?.script({
      expect: CHAT_COMPLETIONS,
      check: (r) => expect(JSON.stringify(r.body)).toContain('来期の予算案'),
      reply: {
        json: openaiWire.completion(
          JSON.stringify({
            suggestions: [
              { tag: '会議', reason: '会議で議論する予定の文書だから。' },
              { tag: '#Finance', reason: '財務に関する内容だから。' },
              { tag: 'Budget', reason: 'すでにあるタグ。' },
            ],
          }),
        ),
      },
    });
    await h().runCommand('suggest-tags');
    const dialog = modal('hisho-tags-modal');
    await expect.poll(() => dialog.locator('.hisho-tag-suggestion').count(), { timeout: 20_000 }).toBe(2);
    expect(await h().page.locator('.modal-container .modal-title').textContent()).toBe(format(ja['tool.tags'], { title: '予算案' }));
    expect(await dialog.locator('.hisho-tag-suggestion[data-tag="会議"] .hisho-tool-reason').textContent()).toBe('会議で議論する予定の文書だから。');
    expect(await dialog.locator('.hisho-tag-suggestion[data-tag="finance"] .hisho-tag-new').textContent()).toBe(ja['tool.tags.new']);
    expect(await dialog.locator('.hisho-tag-suggestion[data-tag="会議"] .hisho-tag-new').count()).toBe(0);
    // Nothing is written before the person confirms.
    expect(await vaultText('Notes/予算案.md')).toBe(EXTRA_NOTES['Notes/予算案.md']);
    await dialog.locator('.hisho-tag-suggestion[data-tag="finance"] input').uncheck();
    await h().screenshot('librarian-suggest-tags');
    await dialog.locator('.hisho-tags-apply').click();
    await expect.poll(() => dialog.count()).toBe(0);

    const written = matter(await vaultText('Notes/予算案.md'));
    expect(written.data).toEqual({ tags: ['budget', 'planning', '会議'], aliases: ['来期予算'] });
    expect(written.content).toBe('# 予算案\n\n来期の予算案。次回の会議で議論する。\n');
    expect(await h().page.locator('.notice').last().textContent()).toBe(format(ja['tool.tags.added'], { title: '予算案', tags: '#会議' }));
  });

  it('asks about the active note: the chat opens with the note as context, and the daemon reads it first', async () => {
    await pane().locator('.hisho-tab[data-tab="search"]').click();
    await h().runCommand('ask-about-note');
    await expect.poll(() => pane().locator('.hisho-tab[data-tab="chat"]').getAttribute('aria-selected')).toBe('true');
    const about = chat().locator('.hisho-chat-about');
    expect(await about.getAttribute('data-path')).toBe('Notes/予算案.md');
    expect(await about.textContent()).toContain(format(ja['chat.about'], { title: '予算案' }));
    expect(await composer().evaluate((el) => el === document.activeElement)).toBe(true);

    provider?.script({
      expect: CHAT_COMPLETIONS,
      check: (r) => expect(JSON.stringify(r.body)).toContain('来期の予算案。次回の会議で議論する。'),
      reply: streamed(['[[予算案]]は次回の会議で議論されます。']),
    });
    const before = await answers().count();
    await ask('要点は？');
    await expect.poll(() => answers().count(), { timeout: 20_000 }).toBe(before + 1);
    expect(await answers().last().locator('.hisho-answer-text .hisho-citation').getAttribute('data-path')).toBe('Notes/予算案.md');
    await h().screenshot('librarian-ask-about-note');
    await about.locator('.hisho-chat-about-clear').click();
    expect(await about.count()).toBe(0);
  });

  it('summarizes the note (inserted at the cursor) and categorizes it', async () => {
    await h().page.evaluate(() => window.hishoHarness.app.workspace.openLinkText('Notes/予算案.md', '', false));
    provider?.script({ expect: CHAT_COMPLETIONS, reply: { json: openaiWire.completion(JSON.stringify({ summary: '来期の予算案。', keyPoints: ['次回の会議で議論'] })) } });
    await h().runCommand('summarize-note');
    const summary = modal('hisho-summary-modal');
    await expect.poll(() => summary.locator('.hisho-summary-text').textContent(), { timeout: 20_000 }).toBe('来期の予算案。');
    await summary.locator('.hisho-insert').click();
    await expect.poll(() => summary.count()).toBe(0);
    const text = await h().page.evaluate(() => window.hishoHarness.app.workspace.markdownView?.editor.getValue());
    expect(text?.endsWith('議論する。\n来期の予算案。\n\n- 次回の会議で議論\n')).toBe(true);

    const { knowledgeCategories } = await api<{ knowledgeCategories: Record<string, string> }>('GET', '/librarian');
    const [category] = Object.keys(knowledgeCategories);
    provider?.script({ expect: CHAT_COMPLETIONS, reply: { json: openaiWire.completion(JSON.stringify({ category, reason: '進行中の計画だから。' })) } });
    await h().runCommand('categorize-note');
    const categorized = modal('hisho-category-modal');
    await expect.poll(() => categorized.locator('.hisho-category-name').textContent(), { timeout: 20_000 }).toBe(category);
    expect(await categorized.locator('.hisho-tool-reason').textContent()).toBe('進行中の計画だから。');
    await h().page.locator('.modal-container .modal-close-button').click();
    await expect.poll(() => categorized.count()).toBe(0);
  });

  it('creates a note from a template of Obsidian’s template folder, in the current folder', async () => {
    await h().runCommand('new-note-from-template');
    const dialog = modal('hisho-template-modal');
    // Hisho has no template folder of its own for a new vault: the daemon reads Obsidian's from
    // templates.json in the config folder the plugin names (renamed here, so `.obsidian` would miss it).
    await expect.poll(() => dialog.locator('.hisho-template-select option').allTextContents(), { timeout: 15_000 }).toEqual(['議事録']);
    const registered = (await api<{ items: { path: string; templateFolder: string | null }[] }>('GET', '/vaults')).items.find((v) => v.path === vault?.path);
    expect(registered?.templateFolder).toBeNull();

    await dialog.locator('.hisho-template-title').fill('週次ミーティング');
    await h().screenshot('librarian-new-from-template');
    await dialog.locator('.hisho-template-create').click();
    await expect.poll(() => dialog.count()).toBe(0);
    const text = await vaultText('Notes/週次ミーティング.md');
    expect(text).toMatch(/^---\ntags: \[会議\]\ncreated: \d{4}\/\d{2}\/\d{2}\n---\n# 週次ミーティング\n\n日時: \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}\n\{\{participants\}\}\n$/);
    await expect.poll(opened).toContain('Notes/週次ミーティング.md');

    // The same title again: a numbered name, never the same file.
    await h().runCommand('new-note-from-template');
    await expect.poll(() => dialog.locator('.hisho-template-title').count(), { timeout: 15_000 }).toBe(1);
    await dialog.locator('.hisho-template-title').fill('週次ミーティング');
    await dialog.locator('.hisho-template-create').click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await vaultText('Notes/週次ミーティング 1.md')).toContain('# 週次ミーティング 1\n');
    expect(await vaultText('Notes/週次ミーティング.md')).toBe(text);
  });

  it('when Hisho’s own template folder is missing, offers Obsidian’s and lists it once chosen', async () => {
    const registered = (await api<{ items: { id: number; path: string }[] }>('GET', '/vaults')).items.find((v) => v.path === vault?.path);
    await api('PATCH', `/vaults/${registered?.id}`, { templateFolder: 'templates' });
    await h().runCommand('new-note-from-template');
    const dialog = modal('hisho-template-modal');
    const folder = dialog.locator('.hisho-template-folder-input');
    await expect.poll(() => folder.count(), { timeout: 15_000 }).toBe(1);
    expect(await dialog.locator('.hisho-tool-note').textContent()).toBe(format(ja['template.missing'], { folder: 'templates' }));
    expect(await folder.inputValue()).toBe('Templates');
    await dialog.locator('.hisho-template-use-folder').click();
    await expect.poll(() => dialog.locator('.hisho-template-select option').allTextContents(), { timeout: 15_000 }).toEqual(['議事録']);
    await h().page.locator('.modal-container .modal-close-button').click();
    await expect.poll(() => dialog.count()).toBe(0);
  });
});
