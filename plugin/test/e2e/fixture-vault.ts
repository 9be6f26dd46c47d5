/**
 * A small vault the Librarian end-to-end test writes itself: English and Japanese notes, nested
 * tags (frontmatter and inline), wikilinks both ways, notes in subfolders.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURE_NOTES: Readonly<Record<string, string>> = {
  'Welcome.md': `---
tags: [project/alpha]
---
# Welcome

This vault plans the alpha release. See the [[Roadmap]] and the minutes in [[会議の議事録]].
`,
  'Projects/Alpha/Roadmap.md': `---
tags:
  - project/alpha
aliases: [Alpha plan]
---
# Roadmap

The roadmap for the alpha release: budget planning in May, a beta in June. Back to [[Welcome]].
`,
  'Meetings/会議の議事録.md': `---
tags: [会議, project/beta]
---
# 会議の議事録

本日の会議では来期の予算について議論した。次回の会議は月曜日に行う。 #meeting
`,
  'Meetings/Weekly sync.md': `# Weekly sync

We went through the roadmap and the open questions about the budget. #meeting
`,
  'Recipes.md': `# Recipes

A pancake recipe: flour, milk, eggs. #cooking
`,
  'Daily/2024-05-01.md': `# 2024-05-01

Met the team about the roadmap; the budget is fine. #daily
`,
};

export interface FixtureVault {
  path: string;
  notes: number;
  remove(): Promise<void>;
}

export async function writeFixtureVault(): Promise<FixtureVault> {
  const root = await mkdtemp(join(tmpdir(), 'hisho-vault-'));
  for (const [relative, text] of Object.entries(FIXTURE_NOTES)) {
    const file = join(root, relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
  }
  return { path: root, notes: Object.keys(FIXTURE_NOTES).length, remove: () => rm(root, { recursive: true, force: true }) };
}
