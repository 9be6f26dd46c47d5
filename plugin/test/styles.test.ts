/**
 * styles.css, which Obsidian loads as it is: it must parse, and every rule must be closed. A rule
 * left open (a merge that dropped its closing brace) does not fail loudly in a browser: with CSS
 * nesting, every rule after it becomes a nested rule that matches nothing, and whole panes lose
 * their layout. That happened once to the Discussions, Plans and Librarian chat styles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, '../../styles.css'), 'utf8');

/** The selectors of rules opened inside another style rule (at-rules such as @media may hold rules). */
function nestedRules(text: string): string[] {
  const nested: string[] = [];
  const open: Array<{ atRule: boolean }> = [];
  let prelude = '';
  for (const c of text.replace(/\/\*[\s\S]*?\*\//g, '')) {
    if (c === '{') {
      const selector = prelude.trim();
      if (open.length > 0 && !open.at(-1)!.atRule) nested.push(selector);
      open.push({ atRule: selector.startsWith('@') });
      prelude = '';
    } else if (c === '}') {
      open.pop();
      prelude = '';
    } else if (c === ';') {
      prelude = '';
    } else {
      prelude += c;
    }
  }
  return nested;
}

describe('styles.css', () => {
  it('parses without a warning', async () => {
    const result = await transform(css, { loader: 'css' });
    expect(result.warnings.map((w) => `${w.text} (line ${w.location?.line})`)).toEqual([]);
  });

  it('closes every rule before the next one starts', () => {
    expect(nestedRules(css)).toEqual([]);
    // The check itself: a rule missing its brace is found.
    expect(nestedRules('.a {\n  color: red;\n.b { color: blue; }\n}')).toEqual(['.b']);
    expect(nestedRules('@media (max-width: 400px) { .a { color: red; } }')).toEqual([]);
  });
});
