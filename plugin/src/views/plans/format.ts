/** A timestamp from the daemon as the person reads dates, e.g. "2025/04/01 9:30" or "Apr 1, 2025, 9:30 AM". */
export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** An amount in the plan's currency (an ISO 4217 code, as the daemon enforces), or a plain number without one. */
export function formatAmount(amount: number, currency: string | undefined, language: string): string {
  return new Intl.NumberFormat(language, currency ? { style: 'currency', currency } : {}).format(amount);
}

/** Today in the person's time zone, YYYY-MM-DD. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
