/**
 * The Librarian's client against the real daemon app, served over real HTTP on 127.0.0.1 (real
 * database, a real indexed vault on disk, the ask stream read as the pane reads it). The model is
 * the daemon tests' scripted one, failing on any call it was not scripted for.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretBox } from '../../daemon/src/ai/secrets';
import { ScriptedModel } from '../../daemon/test/ai/scripted-model';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../../daemon/test/helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../../daemon/test/helpers/databases';
import { indexOnce, registerVaultRow, tempVault, type TempVault } from '../../daemon/test/vault/helpers';
import { AssistantsApi } from '../src/daemon/assistants-client';
import { DaemonClient, DaemonError, isAbort } from '../src/daemon/client';
import { isNotConfigured, LibrarianApi } from '../src/daemon/librarian-client';
import type { AskEvent } from '../src/daemon/librarian-schemas';
import { NEW_CHAT, reduceChat, type ChatState } from '../src/views/librarian/chat/chat-state';

const FILES: Record<string, string> = {
  'Meetings/定例会議.md': '---\ntags: [会議]\n---\n# 定例会議\n\n議事録：来週までに予算案を提出する。担当は田中さん。\n',
  'Projects/Garden plan.md': '---\ntags: [garden]\n---\nPlan for the vegetable garden: tomatoes in May, beans in June.\n',
  'Templates/Daily.md': '---\ncreated: {{date}}\n---\n# {{title}}\n',
};

/** The reason a call was refused, for asserting what the pane would show. */
async function refusal(promise: Promise<unknown>): Promise<DaemonError> {
  const e: unknown = await promise.then(
    () => new Error('expected the daemon to refuse'),
    (error: unknown) => error,
  );
  if (!(e instanceof DaemonError)) throw e;
  return e;
}

describe.each(testDatabaseTargets())('the librarian client against the daemon on $kind', (target) => {
  let database: TestDatabase;
  let daemon: ServedTestApp;
  let vault: TempVault;
  let vaultId: string;
  let api: LibrarianApi;
  let assistants: AssistantsApi;
  const model = new ScriptedModel();

  /** Asks as the pane does: every event reduced into the chat. */
  async function askAndReduce(question: string, from: ChatState = NEW_CHAT, signal?: AbortSignal, onEvent?: (e: AskEvent) => void) {
    let state = reduceChat(from, { type: 'ask', question });
    const events: AskEvent[] = [];
    try {
      await api.ask({ question, vault: vaultId, conversationId: from.conversationId ?? undefined }, (event) => {
        events.push(event);
        state = reduceChat(state, { type: 'event', event });
        onEvent?.(event);
      }, signal);
      state = reduceChat(state, { type: 'ended' });
    } catch (e) {
      state = reduceChat(state, isAbort(e) ? { type: 'stopped' } : { type: 'failed', error: e });
    }
    return { state, events };
  }

  beforeAll(async () => {
    database = await target.open();
    vault = await tempVault(FILES);
    const id = await registerVaultRow(database.db, vault.root, { templateFolder: null });
    vaultId = String(id);
    await indexOnce(database.db, id, vault.root);

    daemon = await serveTestApp(database, { secrets: secretBox(randomBytes(32)), models: model.factory() });
    const client = new DaemonClient({ baseUrl: daemon.url, token: TEST_TOKEN, fetch });
    api = new LibrarianApi(client);
    assistants = new AssistantsApi(client);
  });

  afterEach(() => model.verify());

  afterAll(async () => {
    await daemon?.close();
    await database?.dispose();
    await vault?.dispose();
  });

  it('says what to configure until an assistant is chosen; refuses settings the contract refuses', async () => {
    const before = await api.settings();
    expect(before).toMatchObject({ configured: false, assistantId: null, assistant: null });
    expect(before.problemMessage).toEqual(expect.any(String));

    // The same sentence, in the question's language (here the user's own, Japanese).
    const refused = await refusal(api.ask({ question: 'トマトはいつ植える？', vault: vaultId }, () => undefined));
    expect(isNotConfigured(refused)).toBe(true);
    expect(refused.reason).toMatchObject({ code: 'http-error', status: 409, message: before.problemMessage });
    expect(isNotConfigured(await refusal(api.summarize('Projects/Garden plan.md', vaultId)))).toBe(true);

    const assistant = await assistants.create({ name: 'Local', provider: 'openai_compatible', model: 'llama3.2' });
    const after = await api.updateSettings({ assistantId: assistant.id, searchStrategies: { passages: 4 } });
    expect(after).toMatchObject({ configured: true, problemMessage: null, assistant: { id: assistant.id, name: 'Local', model: 'llama3.2' }, searchStrategies: { passages: 4 } });

    const bad = await refusal(api.updateSettings({ searchStrategies: { passages: 30 } }));
    expect(bad.reason).toMatchObject({ code: 'http-error', status: 400 });
    expect(bad.message).toMatch(/passages must be between 1 and 20/);
    expect((await api.settings()).searchStrategies.passages).toBe(4);
  });

  it('streams an answer whose citations open existing notes, reduced into the chat as the pane does', async () => {
    model.script({ call: 'stream', reply: { chunks: ['予算案は', '[[定例会議]]で', '決まりました。[[存在しない]]'] } });
    const { state, events } = await askAndReduce('予算案の締め切りは？');
    expect(events.map((e) => e.type)).toEqual(['user', 'passages', 'delta', 'delta', 'delta', 'done']);
    expect(state.pending).toBeNull();
    expect(state.failure).toBeNull();
    const [question, answer] = state.messages;
    expect(question).toMatchObject({ role: 'user', content: '予算案の締め切りは？' });
    expect(answer).toMatchObject({ role: 'assistant', incomplete: false, mode: 'vault', content: '予算案は[[定例会議]]で決まりました。存在しない' });
    expect(answer?.citations).toEqual([
      expect.objectContaining({ target: '定例会議', path: 'Meetings/定例会議.md', passage: expect.objectContaining({ path: 'Meetings/定例会議.md' }) }),
    ]);
    expect(state.conversationId).toBe(answer?.conversationId);

    // The history lists it; its messages come back with their citations.
    const list = await api.conversations();
    expect(list[0]).toMatchObject({ id: state.conversationId, title: '予算案の締め切りは？', messageCount: 2 });
    expect(await api.messages(state.conversationId ?? 0)).toEqual(state.messages);
  });

  it('stops an answer: the request ends at once, and the daemon keeps the partial answer as incomplete', async () => {
    model.script({ call: 'stream', reply: { chunks: ['田中さんです。'] } });
    const first = await askAndReduce('予算案の担当は？');
    model.verify();
    model.script({ call: 'stream', reply: { chunks: ['担当は'], then: 'hang' } });
    const controller = new AbortController();
    const { state } = await askAndReduce('もう一度、担当は？', first.state, controller.signal, (e) => e.type === 'delta' && controller.abort());
    expect(state.messages.at(-1)).toMatchObject({ role: 'assistant', content: '担当は', incomplete: true, reason: 'stopped' });
    const id = state.conversationId ?? 0;
    await vi.waitFor(async () => expect((await api.messages(id)).at(-1)).toMatchObject({ role: 'assistant', content: '担当は', incomplete: true }), { timeout: 15_000 });
  });

  it('answers nothing when nothing is relevant, unless general knowledge is asked for', async () => {
    const { state } = await askAndReduce('zebracornflakes quantum flux?');
    expect(state.messages.at(-1)).toMatchObject({ mode: 'nothing_found', citations: [] });

    model.script({ call: 'stream', reply: { chunks: ['A general answer.'] } });
    let general: AskEvent[] = [];
    await api.ask({ question: 'zebracornflakes quantum flux?', vault: vaultId, conversationId: state.conversationId ?? undefined, allowGeneralKnowledge: true }, (e) => (general = [...general, e]));
    expect(general.at(-1)).toMatchObject({ type: 'done', message: { mode: 'general', content: 'A general answer.' } });
  });

  it('runs the note tools: tags with reasons, summary, category, links', async () => {
    model.script({ call: 'generateObject', reply: { object: { suggestions: [{ tag: '#Budget', reason: 'It is about the budget.' }, { tag: '会議', reason: 'Already there.' }] } } });
    const tags = await api.suggestTags('Meetings/定例会議.md', vaultId);
    expect(tags).toEqual({ currentTags: ['会議'], suggestions: [{ tag: 'budget', reason: 'It is about the budget.', isNew: true }] });

    model.script({ call: 'generateObject', reply: { object: { summary: '予算案の提出について。', keyPoints: ['担当は田中さん'] } } });
    expect(await api.summarize('Meetings/定例会議.md', vaultId)).toEqual({ summary: '予算案の提出について。', keyPoints: ['担当は田中さん'] });

    const { knowledgeCategories } = await api.settings();
    const [category] = Object.keys(knowledgeCategories);
    if (!category) throw new Error('the librarian has no default categories');
    model.script({ call: 'generateObject', reply: { object: { category, reason: 'Minutes.' } } });
    const categorized = await api.categorize('Meetings/定例会議.md', vaultId);
    expect(categorized).toMatchObject({ category, reason: 'Minutes.' });
    expect(categorized.categories).toEqual(Object.keys(knowledgeCategories));

    const links = await api.suggestLinks('Projects/Garden plan.md', vaultId);
    expect(links.suggestions).toEqual([]);

    const missing = await refusal(api.summarize('Nowhere.md', vaultId));
    expect(missing.reason).toMatchObject({ code: 'http-error', status: 404 });
  });

  it('reads semantic search’s progress for the vault named, also when several vaults are registered', async () => {
    const other = await tempVault({ 'Other.md': 'another vault' });
    try {
      await registerVaultRow(database.db, other.root);
      const status = await api.embeddings(vaultId);
      expect(status).toMatchObject({ enabled: false, notes: Object.keys(FILES).length, embeddedNotes: 0, chunks: 0 });
      // Without the vault the daemon cannot tell which one is meant: the settings pass it (semantic-group.tsx).
      const unnamed = await refusal(api.embeddings());
      expect(unnamed.reason).toMatchObject({ code: 'http-error', status: 400 });
    } finally {
      await other.dispose();
    }
  });

  it('lists the templates of Obsidian’s folder (in the config folder named) until the vault’s own is set', async () => {
    const daily = { folder: 'Templates', folderExists: true, templates: [{ name: 'Daily', path: 'Templates/Daily.md', content: FILES['Templates/Daily.md'] }] };
    await vault.write('.vault-config/templates.json', JSON.stringify({ folder: 'Templates' }));
    expect(await api.templates(vaultId, '.vault-config')).toEqual(daily);
    await api.setTemplateFolder(vaultId, 'Nope');
    expect(await api.templates(vaultId, '.vault-config')).toEqual({ folder: 'Nope', folderExists: false, templates: [] });
    await api.setTemplateFolder(vaultId, 'Templates');
    expect(await api.templates(vaultId)).toEqual(daily);
    const bad = await refusal(api.setTemplateFolder(vaultId, '../outside'));
    expect(bad.reason).toMatchObject({ code: 'http-error', status: 400 });
    const badConfig = await refusal(api.templates(vaultId, '../config'));
    expect(badConfig.reason).toMatchObject({ code: 'http-error', status: 400 });
  });
});
