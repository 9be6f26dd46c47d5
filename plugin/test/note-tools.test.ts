/**
 * The note commands' pure parts: tags merged into every shape a note's frontmatter can hold them
 * in, and the name of a note created from a template.
 */
import { describe, expect, it } from 'vitest';
import { baseName, newNotePath, noteFileName } from '../src/note-tools/note-name';
import { mergeTags, tagKey, tagsOf } from '../src/note-tools/tags';

describe('tagsOf', () => {
  it('reads a list, a comma- or space-separated string, a number, or nothing', () => {
    expect(tagsOf(['project/alpha', 'Meeting'])).toEqual(['project/alpha', 'Meeting']);
    expect(tagsOf('a, b c,d')).toEqual(['a', 'b', 'c', 'd']);
    expect(tagsOf('#会議 #予算')).toEqual(['#会議', '#予算']);
    expect(tagsOf(2024)).toEqual(['2024']);
    expect(tagsOf(['x', 2025, null, { y: 1 }, ['z']])).toEqual(['x', '2025']);
    expect(tagsOf(null)).toEqual([]);
    expect(tagsOf(undefined)).toEqual([]);
    expect(tagsOf('')).toEqual([]);
  });

  it('compares tags without # and case', () => {
    expect(tagKey(' #Project/Alpha ')).toBe('project/alpha');
  });
});

describe('mergeTags', () => {
  const cases: { shape: string; before: Record<string, unknown>; after: Record<string, unknown> }[] = [
    { shape: 'no frontmatter yet', before: {}, after: { tags: ['会議', 'budget'] } },
    { shape: 'an empty property', before: { tags: null }, after: { tags: ['会議', 'budget'] } },
    { shape: 'a list', before: { tags: ['project', 'Budget'] }, after: { tags: ['project', 'Budget', '会議'] } },
    { shape: 'a comma-separated string', before: { tags: 'project, budget' }, after: { tags: ['project', 'budget', '会議'] } },
    { shape: 'a space-separated string with #', before: { tags: '#project #会議' }, after: { tags: ['#project', '#会議', 'budget'] } },
    { shape: 'one string', before: { tags: 'project' }, after: { tags: ['project', '会議', 'budget'] } },
    { shape: 'a number', before: { tags: 2024 }, after: { tags: ['2024', '会議', 'budget'] } },
    { shape: 'the older `tag` property', before: { tag: 'x', title: 'T' }, after: { tag: ['x', '会議', 'budget'], title: 'T' } },
    { shape: 'a capitalised `Tags`', before: { Tags: ['x'] }, after: { Tags: ['x', '会議', 'budget'] } },
    { shape: 'duplicates already there', before: { tags: ['a', 'A', '#a', 'b'] }, after: { tags: ['a', 'b', '会議', 'budget'] } },
  ];

  it.each(cases)('merges into $shape, each tag once, as a list', ({ before, after }) => {
    const frontmatter = structuredClone(before);
    mergeTags(frontmatter, ['会議', '#budget']);
    expect(frontmatter).toEqual(after);
  });

  it('keeps every other property and returns only the tags it added', () => {
    const frontmatter: Record<string, unknown> = { aliases: ['x'], tags: ['Budget'], created: '2024-01-01' };
    expect(mergeTags(frontmatter, ['budget', 'plan', 'plan', '  ', '#'])).toEqual(['plan']);
    expect(frontmatter).toEqual({ aliases: ['x'], tags: ['Budget', 'plan'], created: '2024-01-01' });
  });
});

describe('the new note’s name', () => {
  it('drops the characters Obsidian does not allow in a name', () => {
    expect(noteFileName('  Plan: Q3 / 2025?  ')).toBe('Plan Q3 2025');
    expect(noteFileName('会議 #1 [draft]')).toBe('会議 1 draft');
    expect(noteFileName('.hidden')).toBe('hidden');
    expect(noteFileName('///')).toBe('');
  });

  it('goes in the folder given, numbered when the name is taken (compared regardless of case)', () => {
    const existing = new Set(['notes/meeting.md', 'notes/meeting 1.md', 'untitled.md']);
    const exists = (path: string) => existing.has(path.toLowerCase());
    expect(newNotePath('Notes', 'Meeting', exists, 'Untitled')).toBe('Notes/Meeting 2.md');
    expect(newNotePath('Notes/', '議事録', exists, 'Untitled')).toBe('Notes/議事録.md');
    expect(newNotePath('', 'Plan', exists, 'Untitled')).toBe('Plan.md');
    expect(newNotePath('/', '   ', exists, 'Untitled')).toBe('Untitled 1.md');
  });

  it('reads a note’s name back from its path', () => {
    expect(baseName('Notes/Meeting 2.md')).toBe('Meeting 2');
    expect(baseName('Plan.md')).toBe('Plan');
  });
});
