import type pg from 'pg';

/** What the baseline's replayed statements returned, in order: its shapers pick their rows out of these. */
export type Result = pg.QueryResult<Record<string, unknown>>;

/** The rows of the last result that has every one of these columns (and none of `without`). */
export function rowsWith<T>(results: Result[], columns: string[], without: string[] = []): T[] | undefined {
  for (let i = results.length - 1; i >= 0; i--) {
    const names = new Set((results[i]!.fields ?? []).map((f) => f.name));
    if (columns.every((c) => names.has(c)) && !without.some((c) => names.has(c))) return results[i]!.rows as T[];
  }
  return undefined;
}

export function need<T>(rows: T[] | undefined, what: string): T[] {
  if (!rows) throw new Error(`no statement returned the ${what}`);
  return rows;
}
