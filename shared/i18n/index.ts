import { en, type MessageKey, type Messages } from './en';
import { ja } from './ja';

export type { MessageKey, Messages };
export const LANGUAGES = ['en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MESSAGES: Readonly<Record<Language, Messages>> = { en, ja };

/** Fills `{name}` placeholders; unknown placeholders are left as written. */
export function format(template: string, vars?: Readonly<Record<string, string | number>>): string {
  if (!vars) return template;
  return template.replace(/\{([\w-]+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}
