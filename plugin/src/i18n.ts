import { format, MESSAGES, type Language, type MessageKey } from '../../shared/i18n';
import type { LanguageSetting } from './settings';

export type { Language, MessageKey };
export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

/** Picks the UI language: the setting when it names one, else Obsidian's language (Japanese or English). */
export function resolveLanguage(setting: LanguageSetting, obsidianLanguage: string | null | undefined): Language {
  if (setting !== 'auto') return setting;
  return (obsidianLanguage ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/**
 * The current UI language and its strings. Parts of the UI subscribe so that changing the
 * language setting re-renders them without reloading the plugin.
 */
export class I18n {
  private lang: Language = 'en';
  private readonly listeners = new Set<() => void>();

  constructor(private readonly obsidianLanguage: () => string) {}

  get language(): Language {
    return this.lang;
  }

  apply(setting: LanguageSetting): void {
    const next = resolveLanguage(setting, this.obsidianLanguage());
    if (next === this.lang) return;
    this.lang = next;
    for (const listener of this.listeners) listener();
  }

  readonly t: Translate = (key, vars) => format(MESSAGES[this.lang][key], vars);

  /** Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
