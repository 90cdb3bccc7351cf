import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { createApp } from '../src/app';
import { buildDeps, closeDeps } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { seedDemo } from '../db/seeds/demo';

/**
 * `npm run bench`: the catalog's hot paths at marketplace size, each measured against a baseline measured in the
 * same run on the same machine (GET /health/, which does no database work). A target fails when its throughput
 * falls below its stated share of the baseline, so the verdict does not depend on how fast this machine is.
 *
 *   BENCH_COURSES (default 100000)  catalog size; the database lf_bench is reused when it already has that size
 *   BENCH_SECONDS (default 5)       duration of each measurement
 */
const COURSES = Number(process.env.BENCH_COURSES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SERVER = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DB_URL = `${SERVER}/lf_bench`;

interface Target {
  name: string;
  path: string;
  /** Minimum throughput as a share of the baseline's. */
  minShare: number;
}

async function prepare(): Promise<void> {
  await ensureDatabase(DB_URL);
  const db = createDb(DB_URL, { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    const [{ n }] = (await db('courses').count({ n: '*' })) as [{ n: number }];
    if (Number(n) !== COURSES) {
      console.log(`Seeding ${COURSES} courses into lf_bench (once; later runs reuse it)...`);
      await db.raw(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
      await migrateLatest(db);
      await seedDemo(db, { courses: COURSES, log: (line) => process.stdout.write(`\r  ${line}`.padEnd(80)) });
      process.stdout.write('\n');
      await db.raw('ANALYZE');
    }
  } finally {
    await db.destroy();
  }
}

function measure(url: string): Promise<autocannon.Result> {
  return autocannon({ url, connections: 10, duration: SECONDS, pipelining: 1 });
}

async function main(): Promise<void> {
  await prepare();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    JWT_ACCESS_SECRET: 'bench-access',
    JWT_REFRESH_SECRET: 'bench-refresh',
    DATABASE_URL: DB_URL,
    REDIS_PREFIX: 'lf-bench',
    QUEUE_PREFIX: '{lf-bench}',
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: base,
    RATE_LIMIT_GLOBAL_PER_MINUTE: '100000000',
  });
  const deps = buildDeps(config);
  server.on('request', createApp(deps));

  const probe = knexFactory({ client: 'pg', connection: DB_URL, pool: { min: 0, max: 1 } });
  const course = (await probe('courses').where({ is_published: true }).orderBy('student_count', 'desc').first('slug')) as { slug: string };
  const category = (await probe('categories').first('slug')) as { slug: string };
  await probe.destroy();

  const targets: Target[] = [
    { name: 'list, default order (popularity)', path: '/courses/', minShare: 0.1 },
    { name: 'list, category + rating order', path: `/courses/?category=${category.slug}&ordering=-rating`, minShare: 0.1 },
    { name: 'list, price range + level', path: '/courses/?min_price=20&max_price=50&level=beginner', minShare: 0.1 },
    { name: 'search, ranked', path: '/courses/?search=javascript', minShare: 0.05 },
    { name: 'search, typo fallback', path: '/courses/?search=javscript', minShare: 0.02 },
    { name: 'deep page (page 200)', path: '/courses/?page=200', minShare: 0.05 },
    { name: 'course page by slug', path: `/courses/${course.slug}/`, minShare: 0.1 },
    { name: 'categories', path: '/categories/', minShare: 0.1 },
  ];

  // Warm-up: compile validators, fill connection pools and caches.
  for (const t of [{ path: '/health/' }, ...targets]) await fetch(base + t.path);
  const baseline = await measure(`${base}/health/`);
  console.log(`\nbaseline GET /health/: ${baseline.requests.average.toFixed(0)} req/s, p99 ${baseline.latency.p99} ms`);
  console.log(
    `${'target'.padEnd(38)} ${'req/s'.padStart(8)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'share'.padStart(7)} ${'needs'.padStart(6)}  verdict`,
  );
  let failed = 0;
  for (const t of targets) {
    const r = await measure(base + t.path);
    const share = r.requests.average / baseline.requests.average;
    const ok = share >= t.minShare && r.non2xx === 0 && r.errors === 0;
    if (!ok) failed++;
    console.log(
      `${t.name.padEnd(38)} ${r.requests.average.toFixed(0).padStart(8)} ${String(r.latency.p50).padStart(6)} ${String(r.latency.p99).padStart(6)} ${(share * 100).toFixed(1).padStart(6)}% ${(t.minShare * 100).toFixed(0).padStart(5)}%  ${ok ? 'ok' : `FAIL${r.non2xx ? ` (${r.non2xx} non-2xx)` : ''}`}`,
    );
  }
  server.close();
  await closeDeps(deps);
  console.log(failed === 0 ? '\nall targets met' : `\n${failed} target(s) missed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
