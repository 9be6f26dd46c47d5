import * as z from 'zod/mini';

export const LANGUAGE_SETTINGS = ['auto', 'en', 'ja'] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];

export const SETTINGS_VERSION = 1;

export interface HishoSettings {
  version: typeof SETTINGS_VERSION;
  /** Empty: find the daemon through HISHO_HOME/daemon.json. */
  daemonUrl: string;
  /** Empty: read HISHO_HOME/token. */
  token: string;
  language: LanguageSetting;
}

export const DEFAULT_SETTINGS: Readonly<HishoSettings> = Object.freeze({
  version: SETTINGS_VERSION,
  daemonUrl: '',
  token: '',
  language: 'auto',
});

/** '' or an http(s) URL without a trailing slash. */
export function normaliseDaemonUrl(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

const daemonUrl = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    const url = normaliseDaemonUrl(value);
    if (url === null) {
      ctx.issues.push({ code: 'custom', message: 'not an http(s) URL', input: value });
      return z.NEVER;
    }
    return url;
  }),
);

/**
 * The current shape. Each field falls back to its default on its own, so one bad value does
 * not throw away the others.
 */
const settingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  daemonUrl: z.catch(daemonUrl, DEFAULT_SETTINGS.daemonUrl),
  token: z.catch(z.pipe(z.string(), z.transform((s) => s.trim())), DEFAULT_SETTINGS.token),
  language: z.catch(z.enum(LANGUAGE_SETTINGS), DEFAULT_SETTINGS.language),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Brings saved data of any earlier version to the current version's field names.
 * Version 0 is data saved before the version field existed; it used `url` and `lang`.
 */
export function migrateSettings(raw: unknown): Record<string, unknown> {
  if (!isRecord(raw)) return { version: SETTINGS_VERSION };
  const data: Record<string, unknown> = { ...raw };
  const version = typeof data.version === 'number' ? data.version : 0;
  if (version < 1) {
    if (data.daemonUrl === undefined && data.url !== undefined) data.daemonUrl = data.url;
    if (data.language === undefined && data.lang !== undefined) data.language = data.lang;
    delete data.url;
    delete data.lang;
  }
  // Data from a newer plugin: keep the fields this version understands.
  data.version = SETTINGS_VERSION;
  return data;
}

/** Saved data (anything, from any version) → valid settings. Never throws; never returns DEFAULT_SETTINGS itself. */
export function parseSettings(raw: unknown): HishoSettings {
  const result = settingsSchema.safeParse(migrateSettings(raw));
  if (!result.success) return { ...DEFAULT_SETTINGS };
  return { ...DEFAULT_SETTINGS, ...result.data };
}
