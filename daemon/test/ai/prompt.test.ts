import { describe, expect, it } from 'vitest';
import { detectLanguage, fitHistory, systemPrompt } from '../../src/ai/prompt';

describe('prompt', () => {
  it('detects the language of a question', () => {
    expect(detectLanguage('議事録の書き方を教えて')).toBe('ja');
    expect(detectLanguage('カタカナだけ')).toBe('ja');
    expect(detectLanguage('How do I write minutes?')).toBe('en');
    expect(detectLanguage('会議')).toBeUndefined(); // Han only: Chinese or Japanese
    expect(detectLanguage('12345 !?')).toBeUndefined();
  });
  it('turns the persona into the system prompt, with the language rule and the preference as fallback', () => {
    const p = systemPrompt({ assistantName: 'A', personaName: '綾', personality: 'calm', personaDescription: 'an archivist', roleName: 'Librarian', roleDescription: 'keeps notes' }, '会議', 'ja');
    expect(p).toContain('You are 綾 (the assistant "A")');
    expect(p).toContain('Your role: Librarian — keeps notes.');
    expect(p).toContain('Your personality: calm');
    expect(p).toContain('About you: an archivist');
    expect(p).toContain('same language as the user');
    expect(p).toContain('When the language is unclear, answer in Japanese');
    expect(p).not.toContain('The latest message is written in');
    expect(systemPrompt({ assistantName: 'A' }, 'hello', 'ja')).toContain('The latest message is written in English');
  });
  it('keeps the newest messages within the budget, always the question, never a leading assistant turn', () => {
    const m = (role: 'user' | 'assistant', n: number) => ({ role, content: 'x'.repeat(n) });
    const history = [m('user', 10), m('assistant', 10), m('user', 10), m('assistant', 10), m('user', 10)];
    expect(fitHistory(history, 1000)).toHaveLength(5);
    expect(fitHistory(history, 30)).toEqual(history.slice(2)); // 3 fit; the oldest kept is a user turn
    expect(fitHistory(history, 40)).toEqual(history.slice(2)); // 4 would fit but would start with the assistant
    expect(fitHistory([m('user', 5000)], 10)).toHaveLength(1);
    expect(fitHistory(history, 1000, 2)).toEqual(history.slice(4));
  });
});
