/**
 * Obsidian core-template placeholders, filled without Obsidian (pure; the plugin writes the note):
 *
 *   {{title}}           the new note's title
 *   {{date}}            today, in `dateFormat` (Obsidian's default YYYY-MM-DD)
 *   {{time}}            now, in `timeFormat` (Obsidian's default HH:mm)
 *   {{date:FORMAT}}     {{time:FORMAT}}   with a moment-style format, e.g. {{date:YYYY年M月D日 (ddd)}}
 *
 * Keywords are case-insensitive and may have spaces inside the braces ({{ title }}); any other
 * `{{…}}` (Templater's, Dataview's, a typo) is left exactly as written.
 *
 * Formats use moment's tokens — YYYY YY Q MMMM MMM MM M Do DD D dddd ddd dd d HH H hh h kk k mm m
 * ss s SSS A a X x — and `[text]` for literal text; anything else is copied. Names of months and days
 * follow `locale` ('en' or 'ja', as moment's locales of those names). Times are the local time of
 * the Date given, as Obsidian does.
 */

export type TemplateLocale = 'en' | 'ja';

export interface TemplateContext {
  title: string;
  /** The moment the note is created. */
  now: Date;
  /** Obsidian's "Date format" setting of the Templates plugin (default YYYY-MM-DD). */
  dateFormat?: string;
  /** Obsidian's "Time format" setting (default HH:mm). */
  timeFormat?: string;
  locale?: TemplateLocale;
}

export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DD';
export const DEFAULT_TIME_FORMAT = 'HH:mm';

const NAMES = {
  en: {
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    monthsShort: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    weekdaysShort: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
    weekdaysMin: ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'],
    meridiem: (hour: number, lower: boolean) => (hour < 12 ? (lower ? 'am' : 'AM') : lower ? 'pm' : 'PM'),
    ordinal: (n: number) => {
      const tens = n % 100;
      const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
      return `${n}${suffix}`;
    },
  },
  ja: {
    months: Array.from({ length: 12 }, (_, i) => `${i + 1}月`),
    monthsShort: Array.from({ length: 12 }, (_, i) => `${i + 1}月`),
    weekdays: ['日曜日', '月曜日', '火曜日', '水曜日', '木曜日', '金曜日', '土曜日'],
    weekdaysShort: ['日', '月', '火', '水', '木', '金', '土'],
    weekdaysMin: ['日', '月', '火', '水', '木', '金', '土'],
    meridiem: (hour: number) => (hour < 12 ? '午前' : '午後'),
    ordinal: (n: number) => `${n}日`,
  },
} as const;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// Longest tokens first, so MMMM wins over MM and M; [literal] is its own alternative.
const TOKEN_RE = /\[([^\]]*)\]|YYYY|YY|Q|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|dd|d|HH|H|hh|h|kk|k|mm|m|ss|s|SSS|A|a|X|x/g;

/** `date` formatted with moment-style tokens (see the file comment). */
export function formatDate(date: Date, format: string, locale: TemplateLocale = 'en'): string {
  const names = NAMES[locale];
  const y = date.getFullYear();
  const mo = date.getMonth();
  const d = date.getDate();
  const wd = date.getDay();
  const h = date.getHours();
  const mi = date.getMinutes();
  const s = date.getSeconds();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return format.replace(TOKEN_RE, (token, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    switch (token) {
      case 'YYYY': return pad(y, 4);
      case 'YY': return pad(y % 100);
      case 'Q': return String(Math.floor(mo / 3) + 1);
      case 'MMMM': return names.months[mo]!;
      case 'MMM': return names.monthsShort[mo]!;
      case 'MM': return pad(mo + 1);
      case 'M': return String(mo + 1);
      case 'Do': return names.ordinal(d);
      case 'DD': return pad(d);
      case 'D': return String(d);
      case 'dddd': return names.weekdays[wd]!;
      case 'ddd': return names.weekdaysShort[wd]!;
      case 'dd': return names.weekdaysMin[wd]!;
      case 'd': return String(wd);
      case 'HH': return pad(h);
      case 'H': return String(h);
      case 'hh': return pad(h12);
      case 'h': return String(h12);
      case 'kk': return pad(h === 0 ? 24 : h);
      case 'k': return String(h === 0 ? 24 : h);
      case 'mm': return pad(mi);
      case 'm': return String(mi);
      case 'ss': return pad(s);
      case 's': return String(s);
      case 'SSS': return pad(date.getMilliseconds(), 3);
      case 'A': return names.meridiem(h, false);
      case 'a': return names.meridiem(h, true);
      case 'X': return String(Math.floor(date.getTime() / 1000));
      case 'x': return String(date.getTime());
      default: return token;
    }
  });
}

const PLACEHOLDER_RE = /\{\{\s*(title|date|time)\s*(?::([^}]*?))?\s*\}\}/gi;

/** The template with its {{title}}, {{date}}, {{time}} placeholders filled; other text untouched. */
export function renderTemplate(template: string, context: TemplateContext): string {
  const locale = context.locale ?? 'en';
  return template.replace(PLACEHOLDER_RE, (whole, keyword: string, format: string | undefined) => {
    const key = keyword.toLowerCase();
    if (key === 'title') return format === undefined ? context.title : whole;
    const fallback = key === 'date' ? (context.dateFormat ?? DEFAULT_DATE_FORMAT) : (context.timeFormat ?? DEFAULT_TIME_FORMAT);
    return formatDate(context.now, format === undefined || format.trim() === '' ? fallback : format, locale);
  });
}
