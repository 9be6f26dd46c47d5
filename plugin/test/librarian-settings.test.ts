/**
 * The librarian settings' typed fields: what the person types, read back and sent as the contract
 * wants it (each body checked by the contract's own schema), or refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_STRATEGIES, librarianSettingsPatchSchema } from '../../shared/contracts/librarian';
import type { LibrarianSettingsView } from '../src/daemon/librarian-schemas';
import { categoriesText, parseCategories, parseSpecialization, parseWhole, TEXT_FIELDS } from '../src/settings/librarian-form';

const settings: LibrarianSettingsView = {
  isActive: true,
  assistantId: null,
  assistant: null,
  configured: false,
  problemMessage: 'Choose an assistant.',
  specialization: ['research notes', '料理'],
  searchStrategies: { ...DEFAULT_SEARCH_STRATEGIES },
  knowledgeCategories: { 会議: '議事録と予定', project: '' },
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
