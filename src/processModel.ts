/** The process model's settings, read from the environment (see README, "Running in production"). */

function nonNegativeInt(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Invalid ${name}: "${raw}" (a non-negative integer)`);
  return n;
}

/**
 * The node flags of the API process (`npm run start:api`; the bench and the compiled-API tests start it with the
 * same). V8 keeps the young generation's size from the process's start, so unlike --heap-growing-percent this
 * cannot be set from inside (src/server.ts tuneHeap). Its default semi-space of 16 MB (32 MB committed under load)
 * was a fifth of the API's resident memory. 4 MB: a small young generation costs CPU in proportion to what
 * survives its GCs, and once requests stopped promoting most of what they allocated (src/db/pooledQuery.ts, the
 * presenters' Object.assign) 4 MB measured no more CPU than 8 MB (alternating A/B, median of 8 rounds: search
 * 1.04 against 1.15 ms, course page 1.42 against 1.33) and a high-water mark 11 to 14 MB lower. Before those
 * changes 4 MB had cost up to +0.16 ms, and 8 MB was kept.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * The environment the API process starts with besides its configuration (`npm run start:api` sets it; the bench
 * and the compiled-API tests start it with the same; node:cluster's processes inherit it). glibc gives each thread
 * that allocates its own malloc arena, up to 8 per core, and Node's threads (libuv's pool, V8's GC and compiler
 * workers) each kept a few MB of freed memory resident in theirs. Two arenas: the full bench's high-water mark
 * 143.5 → 131.9 MB on the same machine, CPU per request unchanged within the run-to-run noise (README, Performance).
 * glibc reads it when the process starts, so it cannot be set from inside.
 */
export const API_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** API_PROCESSES: how many API processes share the port (node:cluster); 1 runs no cluster at all. */
export function apiProcesses(env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(1, nonNegativeInt('API_PROCESSES', 1, env));
}

/**
 * SHUTDOWN_DRAIN_MS: after SIGTERM, how long the process keeps serving while readiness answers 503, so that a
 * load balancer polling it stops sending traffic first (production default 5 s; 0 in development, where nothing
 * polls). SHUTDOWN_TIMEOUT_MS: how long in-flight requests then have to finish before their connections are cut.
 */
export function shutdownTimings(env: NodeJS.ProcessEnv = process.env): { drainMs: number; timeoutMs: number } {
  const production = env.NODE_ENV === 'production';
  return {
    drainMs: nonNegativeInt('SHUTDOWN_DRAIN_MS', production ? 5000 : 0, env),
    timeoutMs: nonNegativeInt('SHUTDOWN_TIMEOUT_MS', 25_000, env),
  };
}

/**
 * API_HEAP_GROWING_PERCENT: how far V8 lets the old generation grow past what the last full GC kept, before the
 * next one (V8's --heap-growing-percent; 0 leaves V8's own factor). V8's default on a machine with gigabytes of
 * memory lets the heap reach up to 4 × the live set: under load the API's ~30 MB live heap committed 80+ MB and
 * its RSS peaked near 200 MB (issue 13's target is 150). 30 % keeps the peak under 150 MB. Its price is a full
 * GC each time requests have promoted 30 % of the live heap: while a search promoted about 65 KB, V8's background
 * GC threads cost 0.5 ms of CPU per search request, and 100 % measured 0.02 to 0.26 ms less per request for a
 * 168 MB peak. Requests now promote about 9 KB (README, Performance), so full GCs are rare at 30 % too.
 */
export function heapGrowingPercent(env: NodeJS.ProcessEnv = process.env): number {
  return nonNegativeInt('API_HEAP_GROWING_PERCENT', 30, env);
}
