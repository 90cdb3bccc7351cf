/**
 * Streaks over a learner's local calendar dates (YYYY-MM-DD, as learning_activity stores them). A day is a
 * date, never 24 hours of UTC: the arithmetic runs on the calendar, so daylight-saving changes (23- or 25-hour
 * days) and a learner moving to another time zone cannot break or stretch a run.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a calendar date; the date is a label, so UTC is only the counting frame. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface Streaks {
  /** The run of consecutive dates that ends today or yesterday (a day is not lost before it is over); else 0. */
  current: number;
  /** The longest run of consecutive dates ever; at least `current`. */
  longest: number;
  /** The latest active date, or null without any activity. */
  lastDate: string | null;
}

/** `dates` in any order, duplicates allowed; `today` is the learner's local date now. */
export function computeStreaks(dates: readonly string[], today: string): Streaks {
  const days = [...new Set(dates.map(dayNumber))].sort((a, b) => a - b);
  if (days.length === 0) return { current: 0, longest: 0, lastDate: null };
  let longest = 1;
  let run = 1;
  for (let i = 1; i < days.length; i++) {
    run = days[i] === (days[i - 1] as number) + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  const last = days[days.length - 1] as number;
  // `run` is now the run ending at the last date. A date after today only happens after a move to a time zone
  // behind the old one; that day was lived, so it keeps the streak alive like today does.
  const current = last >= dayNumber(today) - 1 ? run : 0;
  return { current, longest, lastDate: new Date(last * MS_PER_DAY).toISOString().slice(0, 10) };
}

/** Whether a streak whose last active date is `lastDate` still counts on `today`. */
export function isStreakAlive(lastDate: string | null, today: string): boolean {
  return lastDate !== null && dayNumber(lastDate) >= dayNumber(today) - 1;
}
