/**
 * The librarian settings' typed fields: what the person types, read back and sent as the contract
 * wants it (each body checked by the contract's own schema), or refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { AI_PROVIDERS } from '../../shared/contracts/assistants';
import { DEFAULT_SEARCH_STRATEGIES, embeddingStatusSchema, librarianSettingsPatchSchema } from '../../shared/contracts/librarian';
import { format } from '../../shared/i18n';
import { en, type Messages } from '../../shared/i18n/en';
import { ja } from '../../shared/i18n/ja';
import type { EmbeddingStatusView, LibrarianSettingsView } from '../src/daemon/librarian-schemas';
import { embeddingStatusSchema as pluginStatusSchema } from '../src/daemon/librarian-schemas';
import type { Translate } from '../src/i18n';
import { canEmbed, categoriesText, embeddingProgress, embeddingSkipped, parseCategories, parseSpecialization, parseWhole, TEXT_FIELDS } from '../src/settings/librarian-form';
import { EMBEDDING_PROVIDERS } from '../../daemon/src/ai/embedding';

const settings: LibrarianSettingsView = {
  isActive: true,
  assistantId: null,
  assistant: null,
  configured: false,
  problemMessage: 'Choose an assistant.',
  specialization: ['research notes', '料理'],
  searchStrategies: { ...DEFAULT_SEARCH_STRATEGIES },
  knowledgeCategories: { 会議: '議事録と予定', project: '' },
  semantic: { enabled: false, assistantId: null, model: null, defaultModel: null, problem: 'no_assistant', problemMessage: 'Choose an assistant.' },
};

describe('the librarian settings fields', () => {
  it('show the settings as text', () => {
    expect(TEXT_FIELDS.passages.read(settings)).toBe('6');
    expect(TEXT_FIELDS.length.read(settings)).toBe('1200');
    expect(TEXT_FIELDS.specialization.read(settings)).toBe('research notes, 料理');
    expect(TEXT_FIELDS.categories.read(settings)).toBe('会議: 議事録と予定\nproject');
  });

  it('send what the contract accepts', () => {
    const bodies = [
      TEXT_FIELDS.passages.patch(' 20 '),
      TEXT_FIELDS.length.patch('200'),
      TEXT_FIELDS.specialization.patch('研究ノート、 料理, recipes ,'),
      TEXT_FIELDS.categories.patch('会議：議事録\n\n  project : plans: and tasks \nidea'),
    ];
    expect(bodies).toEqual([
      { searchStrategies: { passages: 20 } },
      { searchStrategies: { maxPassageChars: 200 } },
      { specialization: ['研究ノート', '料理', 'recipes'] },
      { knowledgeCategories: { 会議: '議事録', project: 'plans: and tasks', idea: '' } },
    ]);
    for (const body of bodies) expect(librarianSettingsPatchSchema.safeParse(body).success).toBe(true);
  });

  it('refuse, before sending, what the contract would refuse', () => {
    for (const text of ['0', '21', '2.5', '-3', 'six', '']) {
      expect(TEXT_FIELDS.passages.patch(text)).toBeNull();
      const body = { searchStrategies: { passages: Number(text) } };
      expect(librarianSettingsPatchSchema.safeParse(body).success).toBe(false);
    }
    expect(TEXT_FIELDS.length.patch('199')).toBeNull();
    expect(TEXT_FIELDS.length.patch('4001')).toBeNull();
    expect(TEXT_FIELDS.categories.patch(': no name')).toBeNull();
  });

  it('read the text the way it writes it', () => {
    const categories = { a: 'x: y', b: '', 日本: '説明' };
    expect(parseCategories(categoriesText(categories))).toEqual(categories);
    expect(parseSpecialization('')).toEqual([]);
    expect(parseWhole('7', 1, 20)).toBe(7);
  });
});

describe('the semantic search settings', () => {
  const translate = (messages: Messages): Translate => (key, vars) => format(messages[key], vars);

  it('offer the providers the daemon can embed with (not Anthropic)', () => {
    expect(AI_PROVIDERS.filter((p) => canEmbed(p))).toEqual(AI_PROVIDERS.filter((p) => EMBEDDING_PROVIDERS.includes(p)));
    expect(canEmbed('claude')).toBe(false);
  });

  it('say the progress in the person’s language, and nothing while no model is in use', () => {
    const status = embeddingStatusSchema.parse({ vault: 1, enabled: true, model: 'openai:text-embedding-3-small@512', notes: 300, embeddedNotes: 120, chunks: 410, skippedSections: 0, lastSkipped: null, running: true, tokens: 5000, lastError: null });
    const view: EmbeddingStatusView = pluginStatusSchema.parse(status);
    expect(embeddingProgress(view, translate(en))).toBe('120 of 300 notes embedded (410 sections); embedding…');
    expect(embeddingProgress({ ...view, running: false }, translate(ja))).toBe('300 件中 120 件のノートを埋め込み済み（410 セクション）。');
    expect(embeddingProgress({ ...view, model: null }, translate(en))).toBeNull();
    expect(embeddingProgress({ ...view, enabled: false }, translate(en))).toBeNull();
  });

  it('say which sections the model refused: the daemon’s sentence for one, with the count for more; nothing when none', () => {
    const message = 'The section “記録” of C 日記.md is too long for the embedding model even shortened, so semantic search leaves it out (the word search still finds it); a model with a longer context would cover it.';
    const status = embeddingStatusSchema.parse({
      vault: 1, enabled: true, model: 'openai_compatible:bge-m3', notes: 4, embeddedNotes: 4, chunks: 4, skippedSections: 3,
      lastSkipped: { path: 'C 日記.md', heading: '記録', message, at: '2025-01-01T00:00:00.000Z' }, running: false, tokens: 0, lastError: null,
    });
    const view: EmbeddingStatusView = pluginStatusSchema.parse(status);
    expect(embeddingSkipped(view, translate(en))).toBe(`3 sections are too long for the embedding model and are left to the word search. The last: ${message}`);
    expect(embeddingSkipped(view, translate(ja))).toBe(`3 件のセクションは埋め込みモデルには長すぎるため、語句での検索だけで探します。最後のもの: ${message}`);
    expect(embeddingSkipped({ ...view, skippedSections: 1 }, translate(en))).toBe(message);
    expect(embeddingSkipped({ ...view, skippedSections: 0, lastSkipped: null }, translate(en))).toBeNull();
    expect(embeddingSkipped({ ...view, enabled: false }, translate(en))).toBeNull();
  });

  it('send what the contract accepts', () => {
    for (const semantic of [{ enabled: true }, { assistantId: 3 }, { assistantId: null }, { model: 'bge-m3' }, { model: null }]) {
      expect(librarianSettingsPatchSchema.safeParse({ semantic }).success).toBe(true);
    }
    expect(librarianSettingsPatchSchema.safeParse({ semantic: { dimensions: 3 } }).success).toBe(false);
  });
});
