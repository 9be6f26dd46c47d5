/**
 * The note tools through HTTP with scripted structured answers: tag suggestions from the vault's
 * vocabulary, categories from the vault's mappings or the librarian's, summaries, link
 * suggestions; answers that fail their schema and provider errors are one clear sentence.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { categorizeSchema, linkSuggestionsSchema, summarySchema, tagSuggestionsSchema } from '../../../shared/contracts/librarian';
import { AiError } from '../../src/ai/errors';
import type { ChatRequest } from '../../src/ai/provider';
import { normalizeTagSuggestion, readCategoryMappings } from '../../src/librarian/tools';
import { testDatabaseTargets } from '../helpers/databases';
import { api, librarianFixture, VAULT_FILES, type LibrarianFixture } from './helpers';

const FILES: Record<string, string> = {
  ...VAULT_FILES,
  'Recipes/Rice.md': '---\ntags: [cooking]\n---\nSteamed rice: rinse, soak for thirty minutes, then cook. It goes with curry.\n',
  'Recipes/Pickles.md': '---\ntags: [cooking, preserving]\n---\nQuick cucumber pickles with vinegar and salt; they keep for a week.\n',
  'Empty.md': '---\ntags: [draft]\n---\n',
};

const prompt = (req: ChatRequest) => req.messages[0]!.content;

describe('tag and category helpers', () => {
  it('turns suggested tags into tags Obsidian accepts', () => {
    expect(['#Project', 'Summer Plans', '  #inbox/to-read/ ', 'c++ notes', '＃日本語タグ', '1984', '#', 'a//b', 'emoji🌱'].map(normalizeTagSuggestion)).toEqual([
      'project',
      'summer-plans',
      'inbox/to-read',
      'c-notes',
      '日本語タグ',
      null,
      null,
      'a/b',
      'emoji',
    ]);
  });

  it('reads category mappings written as text, lists or objects', () => {
    expect(
      readCategoryMappings({
        Cooking: 'Recipes and food',
        Work: ['meetings', 'budget'],
        Garden: { description: 'Plants', folder: 'Projects', tags: ['garden'] },
        Empty: null,
        ' ': 'ignored',
      }),
    ).toEqual({ Cooking: 'Recipes and food', Work: 'meetings, budget', Garden: 'Plants; folder Projects; tags/keywords: garden', Empty: '' });
    expect(readCategoryMappings(['not', 'an', 'object'])).toEqual({});
    expect(readCategoryMappings(null)).toEqual({});
  });
});

describe.each(testDatabaseTargets())('librarian note tools on $kind', (target) => {
  let f: LibrarianFixture;
  beforeAll(async () => {
    f = await librarianFixture(target, { files: FILES });
  });
  afterEach(() => f.model.verify());
  afterAll(async () => f?.dispose());

  const post = (tool: string, body: unknown) => f.t.json('POST', api(`/librarian/${tool}`), { body });

  it('suggests tags from the vault’s vocabulary first, each with a reason, marking new ones', async () => {
    f.model.script({
      call: 'generateObject',
      check: (req) => {
        expect(req.system).toContain('Prefer tags the vault already uses');
        expect(req.system).toContain('written in English');
        const p = prompt(req);
        expect(p).toContain('Tags of the vault:');
        expect(p).toContain('#cooking (3)');
        expect(p).toContain('#会議 (1)');
        expect(p).not.toMatch(/^#garden \(/m); // the note has it already
        expect(p).toContain('Title: Garden plan');
        expect(p).toContain('tomatoes in May');
      },
      reply: {
        object: {
          suggestions: [
            { tag: '#Project', reason: 'already on the note' },
            { tag: 'Vegetables', reason: 'The plan is about vegetable beds.' },
            { tag: '#method', reason: 'It is a planting method.' },
            { tag: 'Summer Plans', reason: 'Planting dates for the summer.' },
            { tag: '2024', reason: 'numbers are not tags' },
            { tag: 'vegetables', reason: 'duplicate' },
          ],
        },
        usage: { inputTokens: 300, outputTokens: 40, totalTokens: 340 },
      },
    });
    const before = (await f.t.json('GET', api(`/assistants/${f.assistantId}`))).body.usageCount;
    const r = await post('tags', { path: 'Projects/Garden plan.md' });
    expect(r.status).toBe(200);
    expect(tagSuggestionsSchema.parse(r.body)).toEqual({
      path: 'Projects/Garden plan.md',
      currentTags: ['garden', 'project'],
      suggestions: [
        { tag: 'vegetables', reason: 'The plan is about vegetable beds.', isNew: true },
        { tag: 'method', reason: 'It is a planting method.', isNew: false },
        { tag: 'summer-plans', reason: 'Planting dates for the summer.', isNew: true },
      ],
      usage: { inputTokens: 300, outputTokens: 40, totalTokens: 340 },
    });
    expect((await f.t.json('GET', api(`/assistants/${f.assistantId}`))).body.usageCount).toBe(before + 1);
  });

  it('a structured answer that fails its schema is one clear sentence (502), as are provider errors', async () => {
    f.model.script({ call: 'generateObject', reply: { object: { suggestions: [{ tag: 'x' }] } } });
    const bad = await post('tags', { path: 'Recipes/Curry.md' });
    expect(bad.status).toBe(502);
    expect(bad.body.error.code).toBe('schema_mismatch');
    expect(bad.body.error.message).toMatch(/^scripted:test の回答が決められた形式になっていませんでした（.+）。$/);

    f.model.script({ call: 'generateObject', reply: { error: new AiError({ kind: 'unauthorized', who: 'OpenAI (gpt-4o-mini)' }, { status: 401 }) } });
    const unauthorized = await post('summarize', { path: 'Recipes/Curry.md' });
    expect(unauthorized.status).toBe(502);
    expect(unauthorized.body.error).toMatchObject({ code: 'unauthorized', message: 'OpenAI (gpt-4o-mini) に API キーを拒否されました（キーの誤り、期限切れ、またはこのモデルを使う権限がありません）。アシスタントに正しいキーを設定してください。' });

    f.model.script({ call: 'generateObject', reply: { error: new AiError({ kind: 'rate_limited', who: 'The model server' }, { status: 429 }) } });
    expect((await post('summarize', { path: 'Recipes/Curry.md' })).status).toBe(429);
    expect((await f.t.json('GET', api('/health'))).status).toBe(200);
  });

  it('categorizes by the vault’s category mappings, else the librarian’s categories', async () => {
    f.model.script({
      call: 'generateObject',
      check: (req) => {
        expect(prompt(req)).toContain('- プロジェクト: 目標と期限のある取り組み');
        expect(prompt(req)).toContain('Title: 定例会議');
        expect(req.system).toContain('written in Japanese');
      },
      reply: { object: { category: 'プロジェクト', reason: '予算案の提出という期限のある取り組みだから。' } },
    });
    const fromLibrarian = await post('categorize', { path: '日記/定例会議.md' });
    expect(fromLibrarian.status).toBe(200);
    expect(categorizeSchema.parse(fromLibrarian.body)).toMatchObject({ path: '日記/定例会議.md', category: 'プロジェクト', source: 'librarian' });
    expect([...fromLibrarian.body.categories].sort()).toEqual(['アーカイブ', 'エリア', 'プロジェクト', 'リソース']);

    const mappings = { Cooking: 'Recipes and food', Gardening: { description: 'Plants', tags: ['garden'] }, Work: ['meetings'] };
    expect((await f.t.json('PATCH', api(`/vaults/${f.vaultId}`), { body: { categoryMappings: mappings } })).status).toBe(200);
    f.model.script({
      call: 'generateObject',
      check: (req) => expect(prompt(req)).toContain('- Gardening: Plants; tags/keywords: garden'),
      reply: { object: { category: 'Gardening', reason: 'A vegetable garden plan.' } },
    });
    const fromVault = await post('categorize', { path: 'Projects/Garden plan.md' });
    expect(fromVault.body).toMatchObject({ category: 'Gardening', reason: 'A vegetable garden plan.', source: 'vault' });
    expect([...fromVault.body.categories].sort()).toEqual(['Cooking', 'Gardening', 'Work']);

    f.model.script({ call: 'generateObject', reply: { object: { category: null, reason: 'None fits.' } } });
    expect((await post('categorize', { path: 'Notes/Zettelkasten.md' })).body).toMatchObject({ category: null, reason: 'None fits.' });

    // A category that is not one of the list fails the schema.
    f.model.script({ call: 'generateObject', reply: { object: { category: 'Sports', reason: 'made up' } } });
    expect((await post('categorize', { path: 'Recipes/Curry.md' })).body.error.code).toBe('schema_mismatch');

    await f.t.json('PATCH', api(`/vaults/${f.vaultId}`), { body: { categoryMappings: {} } });
    await f.t.json('PATCH', api('/librarian'), { body: { knowledgeCategories: {} } });
    const none = await post('categorize', { path: 'Recipes/Curry.md' });
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'no_categories', message: '選べるカテゴリーがありません。Hishoの設定で保管庫のカテゴリー対応（または司書AIの知識カテゴリー）を設定してください。' });
  });

  it('summarizes a note (key points capped at 7); an empty or unknown note is a 4xx', async () => {
    f.model.script({
      call: 'generateObject',
      check: (req) => {
        expect(req.system).toContain('Summarize the note below');
        expect(prompt(req)).toContain('Add garam masala at the very end');
      },
      reply: { object: { summary: ' A family curry recipe. ', keyPoints: ['onions', 'carrots', 'potatoes', 'roux', 'garam masala', 'rice', 'pickles', 'eighth'] } },
    });
    const r = await post('summarize', { path: 'Recipes/Curry' });
    expect(summarySchema.parse(r.body)).toMatchObject({ path: 'Recipes/Curry.md', summary: 'A family curry recipe.', keyPoints: ['onions', 'carrots', 'potatoes', 'roux', 'garam masala', 'rice', 'pickles'] });

    const empty = await post('summarize', { path: 'Empty.md' });
    expect(empty.status).toBe(422);
    expect(empty.body.error).toMatchObject({ code: 'note_empty', message: 'ノート「Empty.md」には扱える本文がありません。' });
    expect((await post('summarize', { path: 'Nowhere.md' })).status).toBe(404);
    expect((await post('summarize', { path: '' })).status).toBe(400);
    expect((await post('summarize', { path: 'Recipes/Curry.md', vault: '424242' })).status).toBe(404);
    expect((await post('summarize', {})).status).toBe(400);
  });

  it('suggests links between related notes that are not linked yet, only among the candidates', async () => {
    f.model.script({
      call: 'generateObject',
      check: (req) => {
        const p = prompt(req);
        expect(p).toContain('path: Recipes/Rice.md');
        expect(p).toContain('path: Recipes/Pickles.md');
        expect(p).not.toContain('path: Recipes/Curry.md');
        expect(p).toContain('The note:\nTitle: Curry');
      },
      reply: { object: { suggestions: [{ path: 'Recipes/Rice.md', reason: 'Rice is what the curry is served with.' }, { path: 'Recipes/Rice.md', reason: 'duplicate' }] } },
    });
    const r = await post('links', { path: 'Recipes/Curry.md' });
    expect(r.status).toBe(200);
    const body = linkSuggestionsSchema.parse(r.body);
    expect(body.suggestions).toHaveLength(1);
    expect(body.suggestions[0]).toMatchObject({ path: 'Recipes/Rice.md', title: 'Rice', reason: 'Rice is what the curry is served with.' });
    expect(body.suggestions[0]!.score).toBeGreaterThan(0);

    // A path that was not a candidate fails the schema.
    f.model.script({ call: 'generateObject', reply: { object: { suggestions: [{ path: 'Recipes/Invented.md', reason: 'made up' }] } } });
    expect((await post('links', { path: 'Recipes/Curry.md' })).body.error.code).toBe('schema_mismatch');

    // The garden notes are linked with each other already: nothing to ask the model.
    const none = await post('links', { path: 'Projects/Watering schedule.md' });
    expect(none.body).toEqual({ path: 'Projects/Watering schedule.md', suggestions: [], usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } });
  });
});
