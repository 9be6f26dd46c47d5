import { describe, expect, it } from 'vitest';
import { format, MESSAGES } from '../../shared/i18n';
import { en } from '../../shared/i18n/en';
import { ja } from '../../shared/i18n/ja';
import { I18n, resolveLanguage } from '../src/i18n';

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{([\w-]+)\}/g)].map((m) => m[1] ?? '').sort();
}

describe('i18n', () => {
  it('has the same keys in English and Japanese', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('has no empty string', () => {
    for (const messages of Object.values(MESSAGES)) {
      for (const [key, value] of Object.entries(messages)) expect(value.trim(), key).not.toBe('');
    }
  });

  it('names the views in natural Japanese', () => {
    expect(ja['view.librarian.name']).toBe('司書AI');
    expect(ja['view.discussions.name']).toBe('協議');
    expect(ja['view.plans.name']).toBe('プラン承認');
    expect(ja['status.connected']).toContain('接続済み');
    expect(ja['status.unreachable']).toContain('接続できません');
  });

  it.each([
    ['auto', 'ja', 'ja'],
    ['auto', 'ja-JP', 'ja'],
    ['auto', 'en', 'en'],
    ['auto', 'de', 'en'],
    ['auto', '', 'en'],
    ['auto', null, 'en'],
    ['en', 'ja', 'en'],
    ['ja', 'en', 'ja'],
  ] as const)('resolves setting %s with Obsidian in %s to %s', (setting, obsidian, expected) => {
    expect(resolveLanguage(setting, obsidian)).toBe(expected);
  });

  it('formats placeholders and follows language changes', () => {
    let obsidian = 'en';
    const i18n = new I18n(() => obsidian);
    let changes = 0;
    const off = i18n.onChange(() => changes++);
    i18n.apply('auto');
    expect(i18n.t('notice.connected', { version: '1.2.3' })).toBe('Hisho daemon connected, version 1.2.3.');
    obsidian = 'ja';
    i18n.apply('auto');
    expect(i18n.language).toBe('ja');
    expect(i18n.t('view.plans.name')).toBe('プラン承認');
    i18n.apply('en');
    expect(changes).toBe(2);
    off();
    i18n.apply('ja');
    expect(changes).toBe(2);
    expect(format('{a} {b}', { a: 1 })).toBe('1 {b}');
  });
});
