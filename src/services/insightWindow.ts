import { validationError } from '../errors';
import type { Granularity } from '../repositories/insightReads';
import { addDays, dayNumber } from './streaks';

/** The longest window one request may ask for: two years of days bounds every series at 732 points. */
export const MAX_WINDOW_DAYS = 731;
const DEFAULT_WINDOW_DAYS = 30;
export const EARLIEST_DAY = '1970-01-01';

export interface InsightWindow {
  granularity: Granularity;
  from: string;
  to: string;
}

const todayUtc = (now: Date): string => now.toISOString().slice(0, 10);

/** The window a query asks for, with its defaults (the last 30 UTC days, by day); a reversed or too long one is a 422. */
export function insightWindow(q: { granularity?: Granularity; from?: string; to?: string }, now = new Date()): InsightWindow {
  const to = q.to ?? todayUtc(now);
  const from = q.from ?? addDays(to, -(DEFAULT_WINDOW_DAYS - 1));
  // Before 1970 there is nothing to show, and the year 0 of a default window would not be a PostgreSQL date.
  if (to < EARLIEST_DAY) throw validationError({ to: [`to must be on or after ${EARLIEST_DAY}.`] });
  if (from < EARLIEST_DAY) throw validationError({ from: [`from must be on or after ${EARLIEST_DAY}.`] });
  if (from > to) throw validationError({ from: ['from must be on or before to.'] });
  if (dayNumber(to) - dayNumber(from) > MAX_WINDOW_DAYS) {
    throw validationError({ from: [`The window may span at most ${MAX_WINDOW_DAYS} days.`] });
  }
  return { granularity: q.granularity ?? 'day', from, to };
}

/** The first day of the period holding `date`: itself, its week's Monday, or its month's 1st (as date_trunc does). */
export function periodStart(date: string, granularity: Granularity): string {
  if (granularity === 'day') return date;
  if (granularity === 'month') return `${date.slice(0, 8)}01`;
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(date, -weekday);
}

function nextPeriod(start: string, granularity: Granularity): string {
  if (granularity === 'day') return addDays(start, 1);
  if (granularity === 'week') return addDays(start, 7);
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Every period start of the window in order, so a series has a point (zero or not) for each period. Compared as
 * day numbers: past 9999-12-31, ISO strings (+010000-...) would no longer sort after the window's end.
 */
export function periodStarts(window: InsightWindow): string[] {
  const starts: string[] = [];
  const end = dayNumber(window.to);
  for (let p = periodStart(window.from, window.granularity); dayNumber(p) <= end; p = nextPeriod(p, window.granularity)) starts.push(p);
  return starts;
}

/** "Today" and the day N-1 days before it: the first day of a "last N days" window. */
export function firstDayOfLast(days: number, now = new Date()): string {
  return addDays(todayUtc(now), -(days - 1));
}
