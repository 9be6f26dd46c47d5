import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  PLAN_NOTE_END,
  PLAN_NOTE_START,
  PLAN_TEMPLATE_PLACEHOLDERS,
  PlanNoteError,
  planNoteFileName,
  regeneratePlanNote,
  renderPlanNote,
  renderPlanSection,
} from '../../plans/note';
import { japanesePlan } from './fixtures';

const ja = { language: 'ja', timeZone: 'Asia/Tokyo' } as const;
const en = { language: 'en', timeZone: 'UTC' } as const;

function noteError(fn: () => unknown): PlanNoteError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanNoteError) return e;
    throw e;
  }
  throw new Error('expected a PlanNoteError');
}

describe('renderPlanNote with the default template', () => {
  it('renders a fixed plan in Japanese, whole', () => {
    expect(renderPlanNote(japanesePlan(), ja)).toMatchInlineSnapshot(`
      "---
      hisho-plan-id: 7
      hisho-plan-status: approved
      hisho-plan-version: 3
      hisho-plan-created: 2025-01-05
      hisho-plan-updated: 2025-01-12
      hisho-plan-submitted: 2025-01-10
      hisho-plan-approved: 2025-01-12
      hisho-plan-start: 2025-02-01
      hisho-plan-end: 2025-03-31
      tags:
        - hisho/plan
      ---
      <!-- hisho:plan:start -->
      # 新製品ローンチ: 春

      **ステータス**: 承認済み · **バージョン**: 3 · **担当アシスタント**: 綾

      新製品を三月に発売する。

      ## 目的

      初月の予約を1000件にする

      ## スコープ

      国内のオンライン販売のみ

      ## スケジュール

      **期間**: 2025-02-01 → 2025-03-31

      | マイルストーン | 日付 | 説明 |
      | --- | --- | --- |
      | ベータ版 | 2025-02-20 | 社内テスト |
      | Launch | 2025-03-31 |  |

      \`\`\`mermaid
      gantt
          title 新製品ローンチ： 春
          dateFormat YYYY-MM-DD
          section 計画
          新製品ローンチ： 春 : plan, 2025-02-01, 59d
          section マイルストーン
          ベータ版 : milestone, m1, 2025-02-20, 0d
          Launch : milestone, m2, 2025-03-31, 0d
      \`\`\`

      ## リソース

      ### 担当者

      - 田中 (PM, 50%)
      - 佐藤

      ### コスト

      | 項目 | 金額 |
      | --- | ---: |
      | 広告 | ￥500,000 |
      | 撮影 | ￥120,000 |
      | **合計** | **￥620,000** |

      ### 依存関係

      - 法務レビュー

      ## リスク

      競合が先に発売する可能性がある。

      ## 成功基準

      - [ ] 予約1000件
      - [ ] 返品率5%未満

      ## 承認条件

      - [ ] 予算上限を守る
      - [ ] Weekly status report

      ## 承認履歴

      - **修正依頼** · 2025-01-11 09:00 · あなた
        スケジュールを見直してください。
      - **承認** · 2025-01-12 11:30 · あなた
        よい計画です。
        条件: 予算上限を守る / Weekly status report
      <!-- hisho:plan:end -->
      "
    `);
  });

  it('renders the same plan with English headings, whole', () => {
    expect(renderPlanNote(japanesePlan(), en)).toMatchInlineSnapshot(`
      "---
      hisho-plan-id: 7
      hisho-plan-status: approved
      hisho-plan-version: 3
      hisho-plan-created: 2025-01-05
      hisho-plan-updated: 2025-01-12
      hisho-plan-submitted: 2025-01-10
      hisho-plan-approved: 2025-01-12
      hisho-plan-start: 2025-02-01
      hisho-plan-end: 2025-03-31
      tags:
        - hisho/plan
      ---
      <!-- hisho:plan:start -->
      # 新製品ローンチ: 春

      **Status**: Approved · **Version**: 3 · **Assistant**: 綾

      新製品を三月に発売する。

      ## Objective

      初月の予約を1000件にする

      ## Scope

      国内のオンライン販売のみ

      ## Timeline

      **Period**: 2025-02-01 → 2025-03-31

      | Milestone | Date | Description |
      | --- | --- | --- |
      | ベータ版 | 2025-02-20 | 社内テスト |
      | Launch | 2025-03-31 |  |

      \`\`\`mermaid
      gantt
          title 新製品ローンチ： 春
          dateFormat YYYY-MM-DD
          section Plan
          新製品ローンチ： 春 : plan, 2025-02-01, 59d
          section Milestones
          ベータ版 : milestone, m1, 2025-02-20, 0d
          Launch : milestone, m2, 2025-03-31, 0d
      \`\`\`

      ## Resources

      ### People

      - 田中 (PM, 50%)
      - 佐藤

      ### Cost

      | Item | Amount |
      | --- | ---: |
      | 広告 | ¥500,000 |
      | 撮影 | ¥120,000 |
      | **Total** | **¥620,000** |

      ### Dependencies

      - 法務レビュー

      ## Risks

      競合が先に発売する可能性がある。

      ## Success criteria

      - [ ] 予約1000件
      - [ ] 返品率5%未満

      ## Approval conditions

      - [ ] 予算上限を守る
      - [ ] Weekly status report

      ## Approval history

      - **Revision requested** · 2025-01-11 00:00 · You
        スケジュールを見直してください。
      - **Approved** · 2025-01-12 02:30 · You
        よい計画です。
        Conditions: 予算上限を守る / Weekly status report
      <!-- hisho:plan:end -->
      "
    `);
  });

  it('says so when optional parts are empty, and leaves no runs of blank lines', () => {
    const note = renderPlanNote(
      japanesePlan({
        description: null,
        scope: null,
        riskAssessment: '  ',
        successCriteria: [],
        conditions: [],
        approvals: [],
        timeline: { startDate: '2025-04-01', endDate: '2025-04-01', milestones: [] },
        resources: { people: [], cost: null, dependencies: [] },
      }),
      en,
    );
    expect(note).toContain('## Scope\n\nNot set.\n');
    expect(note).toContain('## Risks\n\nNot set.\n');
    expect(note).toContain('## Approval conditions\n\nNone yet.\n');
    expect(note).toContain('### Cost\n\nNone yet.\n');
    // A one-day plan is one day long in the chart; no milestone section without milestones.
    expect(note).toContain('    新製品ローンチ： 春 : plan, 2025-04-01, 1d\n```');
    expect(note).not.toMatch(/\n\n\n/);
  });

  it('keeps Mermaid syntax and table cells intact whatever the plan text holds', () => {
    const note = renderPlanNote(
      japanesePlan({
        title: 'Phase 1: build; test #2',
        timeline: { startDate: '2025-02-01', endDate: '2025-03-31', milestones: [{ name: 'A: done', date: '2025-02-02', description: 'x | y\nz' }] },
      }),
      en,
    );
    expect(note).toContain('    title Phase 1： build； test ＃2\n');
    expect(note).toContain('    A： done : milestone, m1, 2025-02-02, 0d\n');
    expect(note).toContain('| A: done | 2025-02-02 | x \\| y z |');
  });

  it('drops marker look-alikes from the plan text so a later regeneration cannot cut the note there', () => {
    const plan = japanesePlan({ description: `before ${PLAN_NOTE_END} after` });
    const note = renderPlanNote(plan, en);
    expect(note.split(PLAN_NOTE_END)).toHaveLength(2);
    expect(regeneratePlanNote(note, plan, en)).toBe(note);
  });
});

describe('custom templates', () => {
  const template = [
    '---',
    'category: project',
    'hisho-plan-id: 999',
    '---',
    '# {{ title }} ({{status}}, v{{version}})',
    '',
    '{{objective}}',
    '',
    '{{gantt}}',
    '',
    'Conditions:',
    '{{conditions}}',
    '',
    '{{unknownThing}} stays as written; so does {{ notAPlaceholder }}.',
  ].join('\n');

  it('fills the placeholders, keeps unknown ones and merges the template’s own frontmatter into a new note', () => {
    const note = renderPlanNote(japanesePlan(), { ...en, template });
    expect(note).toBe(
      [
        '---',
        'hisho-plan-id: 7',
        'hisho-plan-status: approved',
        'hisho-plan-version: 3',
        'hisho-plan-created: 2025-01-05',
        'hisho-plan-updated: 2025-01-12',
        'hisho-plan-submitted: 2025-01-10',
        'hisho-plan-approved: 2025-01-12',
        'hisho-plan-start: 2025-02-01',
        'hisho-plan-end: 2025-03-31',
        'category: project',
        'tags:',
        '  - hisho/plan',
        '---',
        PLAN_NOTE_START,
        '# 新製品ローンチ: 春 (Approved, v3)',
        '',
        '初月の予約を1000件にする',
        '',
        '```mermaid',
        'gantt',
        '    title 新製品ローンチ： 春',
        '    dateFormat YYYY-MM-DD',
        '    section Plan',
        '    新製品ローンチ： 春 : plan, 2025-02-01, 59d',
        '    section Milestones',
        '    ベータ版 : milestone, m1, 2025-02-20, 0d',
        '    Launch : milestone, m2, 2025-03-31, 0d',
        '```',
        '',
        'Conditions:',
        '- [ ] 予算上限を守る',
        '- [ ] Weekly status report',
        '',
        '{{unknownThing}} stays as written; so does {{ notAPlaceholder }}.',
        PLAN_NOTE_END,
        '',
      ].join('\n'),
    );
  });

  it('lets a template that sets tags decide them', () => {
    const note = renderPlanNote(japanesePlan(), { ...en, template: '---\ntags: [work]\n---\n{{title}}' });
    expect(note).toContain('\ntags: [work]\n---\n');
    expect(note).not.toContain('hisho/plan');
  });

  it('fills every placeholder it documents, and docs/plans.md lists them all', async () => {
    const names = Object.keys(PLAN_TEMPLATE_PLACEHOLDERS);
    const section = renderPlanSection(japanesePlan(), { ...en, template: names.map((n) => `${n}=[{{${n}}}]`).join('\n') });
    expect(section).not.toMatch(/\{\{/);
    expect(section).toContain('id=[7]\ntitle=[新製品ローンチ: 春]\nstatus=[Approved]\nversion=[3]\nassistant=[綾]');
    const doc = await readFile(new URL('../../../docs/plans.md', import.meta.url), 'utf8');
    for (const name of names) expect(doc).toContain(`{{${name}}}`);
  });

  it('refuses a template that contains the markers', () => {
    const e = noteError(() => renderPlanNote(japanesePlan(), { ...en, template: `x\n${PLAN_NOTE_START}\n{{title}}` }));
    expect(e.code).toBe('template_has_markers');
  });

  it('reads a template written with Windows line endings', () => {
    expect(renderPlanSection(japanesePlan(), { ...en, template: '# {{title}}\r\n\r\n{{scope}}\r\n' })).toBe(
      `${PLAN_NOTE_START}\n# 新製品ローンチ: 春\n\n国内のオンライン販売のみ\n${PLAN_NOTE_END}`,
    );
  });
});

describe('regeneratePlanNote', () => {
  const original = renderPlanNote(japanesePlan(), ja);
  const before = '> 自分用のメモ（プランの前）\n\n';
  const after = '\n## 自分のメモ\n\n- 田中さんに確認する\n- [x] 自分のタスク\n';
  /** The note as the person left it: own text before and after, an own frontmatter key, ticked boxes. */
  function edited(note = original): string {
    const [front, rest] = [note.slice(0, note.indexOf(PLAN_NOTE_START)), note.slice(note.indexOf(PLAN_NOTE_START))];
    return (
      front.replace('hisho-plan-version: 3\n', 'hisho-plan-version: 3\nproject: 春の新製品\n') +
      before +
      rest.replace('- [ ] 予算上限を守る', '- [x] 予算上限を守る').replace('- [ ] 予約1000件', '- [/] 予約1000件').trimEnd() +
      '\n' +
      after
    );
  }

  it('is the identity on a note nobody touched', () => {
    expect(regeneratePlanNote(original, japanesePlan(), ja)).toBe(original);
  });

  it('updates the managed part and Hisho’s keys, and keeps the person’s text, keys and ticks', () => {
    const changed = japanesePlan({
      version: 4,
      status: 'approved',
      objective: '初月の予約を1500件にする',
      updatedAt: '2025-01-20T03:00:00.000Z',
      conditions: [...japanesePlan().conditions, { text: '月次でコストを報告する', approvalId: 12, action: 'approve' }],
    });
    const result = regeneratePlanNote(edited(), changed, ja);
    expect(result.startsWith('---\nhisho-plan-id: 7\nhisho-plan-status: approved\nhisho-plan-version: 4\nhisho-plan-created: 2025-01-05\nhisho-plan-updated: 2025-01-20\n')).toBe(true);
    expect(result).toContain('\nproject: 春の新製品\ntags:\n  - hisho/plan\n---\n');
    expect(result).toContain(`---\n${before}${PLAN_NOTE_START}`);
    expect(result.endsWith(`${PLAN_NOTE_END}\n${after}`)).toBe(true);
    expect(result).toContain('初月の予約を1500件にする');
    expect(result).not.toContain('1000件にする');
    expect(result).toContain('- [x] 予算上限を守る\n- [ ] Weekly status report\n- [ ] 月次でコストを報告する');
    expect(result).toContain('- [/] 予約1000件');
    // The managed part equals a fresh rendering apart from the carried-over ticks.
    const section = result.slice(result.indexOf(PLAN_NOTE_START), result.indexOf(PLAN_NOTE_END) + PLAN_NOTE_END.length);
    expect(section.replace('- [x] 予算上限を守る', '- [ ] 予算上限を守る').replace('- [/] 予約1000件', '- [ ] 予約1000件')).toBe(renderPlanSection(changed, ja));
  });

  it('lets a condition that is gone take its tick with it', () => {
    const result = regeneratePlanNote(edited(), japanesePlan({ conditions: [], approvals: [] }), ja);
    expect(result).not.toContain('予算上限を守る');
    expect(result).toContain('- [x] 自分のタスク'); // outside the markers: untouched
  });

  it('keeps Windows line endings', () => {
    const crlf = edited().replace(/\n/g, '\r\n');
    const result = regeneratePlanNote(crlf, japanesePlan({ version: 5 }), ja);
    expect(result).toContain('hisho-plan-version: 5\r\n');
    expect(result.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('adds Hisho’s keys when the person removed the frontmatter, and replaces keys they spread over lines', () => {
    const body = original.slice(original.indexOf(PLAN_NOTE_START));
    expect(regeneratePlanNote(body, japanesePlan(), ja)).toBe(original.replace('tags:\n  - hisho/plan\n', ''));
    const spread = original.replace('hisho-plan-status: approved\n', 'hisho-plan-status:\n  - approved\n  - old\n');
    expect(regeneratePlanNote(spread, japanesePlan(), ja)).toBe(original);
  });

  it.each([
    ['missing_end', (n: string) => n.replace(PLAN_NOTE_END, '')],
    ['missing_start', (n: string) => n.replace(PLAN_NOTE_START, '')],
    ['no_section', (n: string) => n.replace(PLAN_NOTE_START, '').replace(PLAN_NOTE_END, '')],
    ['duplicate_markers', (n: string) => `${n}\n${PLAN_NOTE_START}\n${PLAN_NOTE_END}\n`],
    ['markers_out_of_order', (n: string) => n.replace(PLAN_NOTE_START, 'TMP').replace(PLAN_NOTE_END, PLAN_NOTE_START).replace('TMP', PLAN_NOTE_END)],
    ['other_plan', (n: string) => n.replace('hisho-plan-id: 7', 'hisho-plan-id: 8')],
  ] as const)('refuses a note with %s instead of destroying text', (code, damage) => {
    const damaged = damage(edited());
    const e = noteError(() => regeneratePlanNote(damaged, japanesePlan(), ja));
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
  });

  it('names the missing end marker in its message', () => {
    const e = noteError(() => regeneratePlanNote(original.replace(PLAN_NOTE_END, ''), japanesePlan(), en));
    expect(e.message).toContain(PLAN_NOTE_END);
    expect(e.message).toContain('nothing was changed');
  });
});

describe('planNoteFileName', () => {
  it('keeps Japanese and drops characters file systems refuse', () => {
    expect(planNoteFileName({ id: 7, title: '新製品: 春/夏 "計画"?' })).toBe('新製品 春 夏 計画 (plan 7).md');
    expect(planNoteFileName({ id: 8, title: '???' })).toBe('Plan (plan 8).md');
  });
});
