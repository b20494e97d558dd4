import { locale, words } from '../i18n/i18n';

/**
 * Times read the same everywhere on the dashboard, in tables and on charts: 24-hour clock,
 * dates as year-month-day (unambiguous in every language), the viewer's local time.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-07". */
export function day(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** "14:05:09", or "14:05" without seconds. */
export function clock(at: string | number | Date, seconds = true): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** "2026-03-07 14:05:09". */
export function dateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return `${day(d)} ${clock(d)}`;
}

/** "Mar 7" / "3月7日": a chart's date ticks, in the current language. */
export function shortDate(at: number): string {
  return new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric' }).format(at);
}

/** "12s ago", "3 min ago", "5 h ago", then the date: how recent something is, at a glance. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  const t = words();
  if (!iso) return t.never;
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return t.justNow;
  if (seconds < 60) return t.secondsAgo(seconds);
  if (seconds < 3600) return t.minutesAgo(Math.floor(seconds / 60));
  if (seconds < 86_400) return t.hoursAgo(Math.floor(seconds / 3600));
  if (seconds < 7 * 86_400) return t.daysAgo(Math.floor(seconds / 86_400));
  return day(new Date(iso));
}
