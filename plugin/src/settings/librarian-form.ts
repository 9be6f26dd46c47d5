/** The librarian settings' fields, read from and written back as the contract wants them (pure, tested against it). */
import type { AiProviderName } from '../../../shared/contracts/assistants';
import type { LibrarianSettingsPatch } from '../daemon/librarian-client';
import type { EmbeddingStatusView, LibrarianSettingsView } from '../daemon/librarian-schemas';
import type { Translate } from '../i18n';

/** Providers with embedding models (the daemon's daemon/src/ai/embedding.ts); Anthropic has none. */
const EMBEDS: Record<AiProviderName, boolean> = { openai: true, gemini: true, openai_compatible: true, claude: false };

export function canEmbed(provider: AiProviderName): boolean {
  return EMBEDS[provider];
}

/** "120 of 300 notes embedded (410 sections)", with "embedding…" while it runs; null before a model is in use. */
export function embeddingProgress(status: EmbeddingStatusView, t: Translate): string | null {
  if (!status.enabled || status.model === null) return null;
  const vars = { done: status.embeddedNotes, total: status.notes, chunks: status.chunks };
  return t(status.running ? 'lib.semantic.progress.running' : 'lib.semantic.progress', vars);
}

/** The sections the model refused (too long for its context), naming the last one's note; null when none. */
export function embeddingSkipped(status: EmbeddingStatusView, t: Translate): string | null {
  if (!status.enabled || status.model === null || !status.lastSkipped || status.skippedSections === 0) return null;
  // The daemon's sentence already says it all for one section.
  return status.skippedSections === 1 ? status.lastSkipped.message : t('lib.semantic.skipped', { count: status.skippedSections, message: status.lastSkipped.message });
}

/** A whole number from `min` to `max`, or null. */
export function parseWhole(text: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** "research notes, recipes" (or with Japanese commas 、) → ["research notes", "recipes"]. */
export function parseSpecialization(text: string): string[] {
  return text
    .split(/[,、，]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One category a line: "name: what belongs in it" (the description may be left out). */
export function categoriesText(categories: Readonly<Record<string, string>>): string {
  return Object.entries(categories)
    .map(([name, description]) => (description ? `${name}: ${description}` : name))
    .join('\n');
}

/** The lines back into the map (':' or '：' after the name); null when a line has no name. Blank lines are skipped. */
export function parseCategories(text: string): Record<string, string> | null {
  const categories: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.search(/[:：]/);
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    if (!name) return null;
    categories[name] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return categories;
}

export type TextField = 'passages' | 'length' | 'specialization' | 'categories';

/** Each typed field: its text from the settings, and the change to send for a text (null: not valid, say what to enter). */
export const TEXT_FIELDS: Record<TextField, { read: (s: LibrarianSettingsView) => string; patch: (text: string) => LibrarianSettingsPatch | null }> = {
  passages: {
    read: (s) => String(s.searchStrategies.passages),
    patch: (text) => {
      const passages = parseWhole(text, 1, 20);
      return passages === null ? null : { searchStrategies: { passages } };
    },
  },
  length: {
    read: (s) => String(s.searchStrategies.maxPassageChars),
    patch: (text) => {
      const maxPassageChars = parseWhole(text, 200, 4000);
      return maxPassageChars === null ? null : { searchStrategies: { maxPassageChars } };
    },
  },
  specialization: {
    read: (s) => s.specialization.join(', '),
    patch: (text) => ({ specialization: parseSpecialization(text) }),
  },
  categories: {
    read: (s) => categoriesText(s.knowledgeCategories),
    patch: (text) => {
      const knowledgeCategories = parseCategories(text);
      return knowledgeCategories && { knowledgeCategories };
    },
  },
};
