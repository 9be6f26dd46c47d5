/**
 * The pure parts of retrieval: a question → search terms, and a note body → its best passage
 * (whole outputs).
 */
import { describe, expect, it } from 'vitest';
import { blocksOf, extractPassage, type WeightedTerm } from '../../src/librarian/passage';
import { questionTerms, stem } from '../../src/librarian/question';

const queries = (q: string) => questionTerms(q).map((t) => t.query);

describe('questionTerms', () => {
  it('keeps the content words of an English question, stemmed and matched as prefixes', () => {
    expect(queries('How do I create nested tags?')).toEqual(['creat:*', 'nest:*', 'tag:*']);
    expect(queries('What libraries are embedded in my C++ projects, quickly?')).toEqual(['librar:*', 'embed:*', 'cpp', 'project:*', 'quick:*']);
    expect(queries('Can I open a note in a pop-out window?')).toEqual(['open:*', 'note:*', '((pop <-> out) | popout)', 'window:*']);
    // Short words that were not stemmed are matched whole (sit:* would find "site").
    expect(queries('Can my dog sit?')).toEqual(['(dog | dogs)', '(sit | sits)']);
  });

  it('cuts a Japanese question into content words without particles or question phrasing', () => {
    expect(queries('ノートを別のフォルダに移動するにはどうすればいいですか？')).toEqual([
      '((ノー <-> ート) | ノート)',
      '別:*',
      '((フォ <-> ォル <-> ルダ) | フォルダ)',
      // With the synonym dictionary's words (移動 → 移す, 移る).
      '移動 | 移す | ((うつ <-> つす) | うつす) | 移る | ((うつ <-> つる) | うつる)',
    ]);
    // The segmenter's プラグ|イン is glued back; する and 手順 (asking words) go.
    const install = questionTerms('コミュニティプラグインをインストールする手順');
    expect(install.map((t) => t.text)).toEqual(['コミュニティ', 'プラグイン', 'インストール']);
    expect(install[1]!.query).toBe('((プラ <-> ラグ <-> グイ <-> イン) | プラグイン)');
    // Each word's own query comes first, then its synonyms' (コミュニティー, 地域社会; セットアップ).
    expect(install[0]!.query.startsWith('((コミ <-> ミュ <-> ュニ <-> ニテ <-> ティ) | コミュニティ) | ')).toBe(true);
    expect(install[2]!.variants).toEqual(['セットアップ']);
    // Verbs lose their kana ending so other forms match (切り替える → 切り替 finds 切り替え).
    // The dictionary adds the other spellings (切替, 切り換) and synonyms (暗い, 転換).
    expect(queries('ダークモードに切り替えるには')).toEqual([
      '((ダー <-> ーク) | ダーク) | 暗い',
      '((モー <-> ード) | モード)',
      '((切り <-> り替) | 切り替) | 切替 | ((切り <-> り換) | 切り換) | 切換 | 転換',
    ]);
    expect(queries('議事録の使い方を教えて')).toEqual(['((議事 <-> 事録) | 議事録) | ((会議 <-> 議録) | 会議録)', '((使い <-> い方) | 使い方)']);
  });

  it('keeps a one-kanji verb apart from the word before it, without its kana ending, and glues split katakana', () => {
    const texts = (q: string) => questionTerms(q).map((t) => t.text);
    // 一つ|選|んで: 選 is a verb stem, not the end of 一つ; くれる asks.
    expect(texts('ノートを一つ選んで開いてくれる機能')).toEqual(['ノート', '一つ', '選', '開', '機能']);
    // 変|えたい: the ending is not a word; アイコ|ン|の: ン belongs to アイコン, not to the particle.
    expect(texts('並び順を日時順に変えたい')).toEqual(['並び順', '日時', '順に', '変']);
    expect(texts('アイコンの順番を入れ替えたい')).toEqual(['アイコン', '順番', '入れ替']);
  });

  it('searches every ending of a one-kanji verb kept with its kana (開け finds 開く, 開き), and only of its own row', () => {
    const [open] = questionTerms('すぐ開けるようにしたい');
    expect(open).toMatchObject({ text: '開け', variants: ['開か', '開き', '開く', '開こ'] });
    expect(open!.query).toBe('開け | 開か | 開き | 開く | 開こ');
    // A stem of several kanji has no endings to vary: only its synonyms.
    expect(questionTerms('呼び出したい')[0]!.variants).toEqual(['コール']);
    // い, っ and ん end verbs of several rows: no guess.
    expect(questionTerms('本を読んで')[1]).toMatchObject({ text: '読' });
    const passageTerm: WeightedTerm = { ...open!, weight: 1 };
    expect(extractPassage('Intro.\n\nノートを新しいタブで開くには Ctrl を押します。', [passageTerm], 200).matched).toBe(1);
  });

  it('adds the synonym dictionary\'s words to a Japanese word, as alternatives of the same term', () => {
    const [phone, support] = questionTerms('スマホから応援したい');
    expect(phone).toMatchObject({ text: 'スマホ', variants: ['スマートフォン', 'スマートホン', 'スマフォ'] });
    expect(phone!.query).toBe('((スマ <-> マホ) | スマホ) | ((スマ <-> マー <-> ート <-> トフ <-> フォ <-> ォン) | スマートフォン) | ((スマ <-> マー <-> ート <-> トホ <-> ホン) | スマートホン) | ((スマ <-> マフ <-> フォ) | スマフォ)');
    // At most eight, one-character ones left out.
    expect(support!.variants).toHaveLength(8);
    expect(questionTerms('こっちとどっちが速い')).toEqual([expect.objectContaining({ text: '速い' })]);
  });

  it('mixes scripts, drops duplicates and gives nothing for a question of function words only', () => {
    expect(queries('Obsidian Syncの設定とSync')).toEqual(['obsidian:*', 'sync:*', '設定 | ((セッ <-> ッテ <-> ティ <-> ィン <-> ング) | セッティング)']);
    expect(queries('What is it? Is it possible?')).toEqual([]);
    expect(queries('2024')).toEqual(['2024']);
    expect(queries('')).toEqual([]);
  });

  it('stems the common English endings', () => {
    expect(['tags', 'boxes', 'libraries', 'linking', 'embedded', 'created', 'create', 'notes', 'status', 'quickly', 'use'].map(stem)).toEqual([
      'tag',
      'box',
      'librar',
      'link',
      'embed',
      'creat',
      'creat',
      'note',
      'status',
      'quick',
      'use',
    ]);
  });
});

const term = (text: string, weight: number, cjk = false): WeightedTerm => ({ text, query: text, cjk, weight });

const BODY = [
  'Intro paragraph about the garden.',
  '',
  '## Watering',
  '',
  'Water every morning.',
  '',
  'In a heat wave, water twice a day.',
  '',
  '```sh',
  '# not a heading',
  'water --now',
  '```',
  '',
  '## 収穫',
  '',
  'トマトは七月に収穫する。%%内緒のメモ%%',
].join('\n');

describe('passages', () => {
  it('cuts a body into paragraphs under their headings, code fences whole, comments left out', () => {
    expect(blocksOf(BODY)).toEqual([
      { heading: null, path: [], section: 0, text: 'Intro paragraph about the garden.' },
      { heading: 'Watering', path: ['Watering'], section: 1, text: 'Water every morning.' },
      { heading: 'Watering', path: ['Watering'], section: 1, text: 'In a heat wave, water twice a day.' },
      { heading: 'Watering', path: ['Watering'], section: 1, text: '```sh\n# not a heading\nwater --now\n```' },
      { heading: '収穫', path: ['収穫'], section: 2, text: 'トマトは七月に収穫する。' },
    ]);
  });

  it('takes the best paragraph with its section neighbours, within the length', () => {
    // The paragraphs keep their order: the neighbour before the best one comes first.
    expect(extractPassage(BODY, [term('heat', 3), term('water', 1)], 1200)).toEqual({
      heading: 'Watering',
      text: 'Water every morning.\n\nIn a heat wave, water twice a day.\n\n```sh\n# not a heading\nwater --now\n```',
      matched: 4,
      headingMatched: 1,
    });
    expect(extractPassage(BODY, [term('heat', 3)], 40)).toEqual({ heading: 'Watering', text: 'In a heat wave, water twice a day.', matched: 3, headingMatched: 0 });
    expect(extractPassage(BODY, [term('トマト', 2, true), term('収穫', 1, true)], 1200)).toEqual({ heading: '収穫', text: 'トマトは七月に収穫する。', matched: 3, headingMatched: 1 });
  });

  it('cuts a long paragraph around the first term, and falls back to the opening', () => {
    const long = `${'filler words here. '.repeat(40)}The answer is 42. ${'more filler. '.repeat(40)}`;
    const p = extractPassage(long, [term('answer', 1)], 120);
    expect(p.text.startsWith('…')).toBe(true);
    expect(p.text.endsWith('…')).toBe(true);
    expect(p.text).toContain('The answer is 42.');
    expect(p.text.length).toBeLessThanOrEqual(122);
    expect(extractPassage(BODY, [term('nothing', 1)], 1200)).toEqual({ heading: null, text: 'Intro paragraph about the garden.', matched: 0, headingMatched: 0 });
    expect(extractPassage('', [term('x', 1)], 100)).toEqual({ heading: null, text: '', matched: 0, headingMatched: 0 });
  });
});
