import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { API_NODE_FLAGS, API_PROCESS_ENV } from '../src/processModel';
import { DEMO_LEARNER_EMAIL, DEMO_PASSWORD, seedDemo } from '../db/seeds/demo';
import { ensureBuilt } from '../test/compiled';
import type { BaselineRoute } from './baseline-server';
import type { BenchRequest, Captured } from './capture';
import { benchCheckout, checkoutCourse, checkoutOnce, checkoutSequence, freshLearners, normalizeCheckoutBody } from './checkout';
import { type Load, round, type Round, type Summary, summarize, type Target, warmUp } from './measure';
import { memoryMb, waitForPort } from './proc';
import { machine, markdown, type ScenarioResult, verdicts, writeResults } from './report';
import { benchWorkers } from './workers';
import { insightScenarios, insightVerdicts } from './insights';

/**
 * `npm run bench`: the yardstick of issue 13. LearnFlow compiled (dist/, NODE_ENV=production, as `npm run
 * start:api` runs it) against a bare node:http + pg server running the very SQL LearnFlow ran for each request
 * (bench/baseline-server.ts, fed by bench/capture.ts), after checking their bodies are byte-identical;
 * alternating rounds, req/s, p50, p99, and CPU per request of each server process and of its PostgreSQL
 * backends from /proc. Writes bench/results/latest.json and latest.md. Exit 0 whatever the verdicts: a report.
 *
 *   BENCH_COURSES (100000)   catalog size; database lf_bench_b<courses>, seeded once and reused
 *   BENCH_DB                 another database name (two benches on one server never share a database)
 *   BENCH_SECONDS (4)        seconds per round per side       BENCH_ROUNDS (3)     rounds per side
 *   BENCH_WARMUP_SECONDS (2) warm-up per side                 BENCH_SCENARIOS      comma list of scenario ids
 *   BENCH_PORT (8130)        the API; +1 the baseline     BENCH_STRIPE_PORT (12130) the Stripe test server
 */
const COURSES = Number(process.env.BENCH_COURSES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const PORT = Number(process.env.BENCH_PORT ?? 8130);
const STRIPE_PORT = Number(process.env.BENCH_STRIPE_PORT ?? 12130);
const SERVER = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DB_NAME = process.env.BENCH_DB || `lf_bench_b${COURSES}`;
const DB_URL = `${SERVER}/${DB_NAME}`;
const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const wanted = (id: string): boolean => !ONLY || ONLY.includes(id);
const appUrl = (name: string): string => `${DB_URL}?application_name=${name}`;

async function prepare(): Promise<void> {
  await ensureDatabase(DB_URL);
  const db = createDb(DB_URL, { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    const [{ n }] = (await db('courses').count({ n: '*' })) as [{ n: number }];
    if (Number(n) !== COURSES) {
      const started = Date.now();
      console.log(`Seeding ${COURSES} courses into ${DB_NAME} (once; later runs reuse it)...`);
      await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await migrateLatest(db);
      await seedDemo(db, { courses: COURSES, log: (line) => process.stdout.write(`\r  ${line}`.padEnd(100)) });
      process.stdout.write('\n'); // seedDemo ends with VACUUM (ANALYZE)
      console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    // What autovacuum does in production (migration tune_courses_autovacuum), done here because a CI server may
    // run without it: the stats recomputes and checkouts of an earlier run rewrote course rows, and the pages they
    // left out of the visibility map would make the deep page's index-only skip depend on the database's history.
    await db.raw('VACUUM courses');
  } finally {
    await db.destroy();
  }
}

interface Scenario {
  id: string;
  title: string;
  request: BenchRequest;
  shape: BaselineRoute['shape'];
  viewerId: string | null;
}

function loadOf(s: Scenario): Load {
  return { method: s.request.method, path: s.request.path, headers: s.request.headers };
}

/** Runs bench/capture.ts in a child of its own (cold caches) and returns what LearnFlow ran for the request. */
async function capture<T extends BenchRequest | BenchRequest[]>(
  env: NodeJS.ProcessEnv,
  request: T,
  dir: string,
  id: string,
): Promise<T extends BenchRequest[] ? Captured[] : Captured> {
  const requestFile = path.join(dir, `${id}.request.json`);
  const outFile = path.join(dir, `${id}.captured.json`);
  fs.writeFileSync(requestFile, JSON.stringify(request));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'capture.ts'), requestFile, outFile], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: appUrl('lf_bench_capture'), REDIS_PREFIX: `lfbenchcap${process.pid}${id}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`capture of ${id} exited with ${code}`);
  return JSON.parse(fs.readFileSync(outFile, 'utf8')) as T extends BenchRequest[] ? Captured[] : Captured;
}

async function fetchBody(base: string, request: BenchRequest): Promise<{ status: number; body: string }> {
  const res = await fetch(base + request.path, { method: request.method, headers: request.headers });
  return { status: res.status, body: await res.text() };
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at byte ${i}: LearnFlow …${a.slice(Math.max(0, i - 40), i + 40)}… baseline …${b.slice(Math.max(0, i - 40), i + 40)}…`;
}

/** Warm-up, then rounds alternating LearnFlow and baseline (the order flips every round). */
async function compare(
  probe: ReturnType<typeof createDb>,
  targets: Target[],
  load: Load,
): Promise<{ learnflow: Summary; baseline?: Summary }> {
  for (const t of targets) await warmUp(t, load, WARMUP);
  const rounds: Record<string, Round[]> = { learnflow: [], baseline: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) rounds[t.name]!.push(await round(probe, t, load, SECONDS));
  }
  return {
    learnflow: summarize(rounds.learnflow!),
    baseline: rounds.baseline!.length ? summarize(rounds.baseline!) : undefined,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  ensureBuilt();
  await prepare();
  const probe = createDb(appUrl('lf_bench_probe'), { min: 0, max: 1 });
  const postgres = ((await probe.raw('SHOW server_version')) as { rows: Array<{ server_version: string }> }).rows[0]!.server_version;
  const learner = (await probe('users').where({ email: DEMO_LEARNER_EMAIL }).first('id')) as { id: string };
  const enrolled = (await probe({ e: 'enrollments' })
    .join({ c: 'courses' }, 'c.id', 'e.course_id')
    .where({ 'e.user_id': learner.id, 'c.is_published': true })
    .whereNot('e.status', 'refunded')
    .orderBy('c.lesson_count', 'desc')
    .first('c.slug')) as { slug: string };
  const category = (await probe({ c: 'categories' })
    .join({ k: 'courses' }, 'k.category_id', 'c.id')
    .groupBy('c.slug')
    .orderByRaw('count(*) DESC')
    .first('c.slug')) as { slug: string };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-bench-'));
  const apiPort = PORT;
  const baselinePort = PORT + 1;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}/api/v1`,
    METRICS_PORT: 'off',
    API_PROCESSES: '1',
    DATABASE_URL: appUrl('lf_bench_api'),
    REDIS_PREFIX: `lfbench${process.pid}`,
    QUEUE_PREFIX: `{lfbench${process.pid}}`,
    STORAGE_DIR: path.join(tmp, 'storage'),
    JWT_ACCESS_SECRET: crypto.randomBytes(32).toString('hex'),
    JWT_REFRESH_SECRET: crypto.randomBytes(32).toString('hex'),
    // Long enough for a full run: the enrolled learner's token is issued once.
    JWT_ACCESS_TTL_SECONDS: '86400',
    // The production limits (600 requests a minute per IP) would refuse a load test from one address: raised
    // through their documented environment knobs, the limiter itself still runs on every request.
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000000',
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000000',
    // The local Stripe test server (compiled, its own process) with keys of no Stripe account.
    STRIPE_SECRET_KEY: 'sk_test_lf_bench',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_lf_bench',
    STRIPE_WEBHOOK_SECRET: `whsec_${crypto.randomBytes(16).toString('hex')}`,
    STRIPE_API_HOST: '127.0.0.1',
    STRIPE_API_PORT: String(STRIPE_PORT),
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_TEST_SERVER_PORT: String(STRIPE_PORT),
  };
  const children: ChildProcess[] = [];
  const results: ScenarioResult[] = [];
  const rss: number[] = [];
  let apiPid = 0;
  try {
    const stripe = spawn(process.execPath, [path.join(ROOT, 'dist', 'stripe-test-server', 'main.js')], { cwd: ROOT, env, stdio: 'ignore' });
    children.push(stripe);
    await waitForPort(STRIPE_PORT, stripe);
    const api = spawn(process.execPath, [...API_NODE_FLAGS, path.join(ROOT, 'dist', 'src', 'server.js')], {
      cwd: ROOT,
      env: { ...env, ...API_PROCESS_ENV },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(api);
    apiPid = api.pid!;
    await waitForPort(apiPort, api);
    const rssTimer = setInterval(() => rss.push(memoryMb(apiPid).rss), 1000);
    const apiBase = `http://127.0.0.1:${apiPort}`;
    const login = await fetch(`${apiBase}/api/v1/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_LEARNER_EMAIL, password: DEMO_PASSWORD }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const first = JSON.parse((await fetchBody(apiBase, { method: 'GET', path: '/api/v1/courses/' })).body) as { total_pages: number };
    const deepPage = Math.min(1000, first.total_pages);

    const get = (p: string, headers?: Record<string, string>): BenchRequest => ({ method: 'GET', path: `/api/v1${p}`, headers });
    const scenarios: Scenario[] = [
      { id: 'list-default', title: 'list, default (page 1)', request: get('/courses/'), shape: 'listCourses', viewerId: null },
      {
        id: 'list-filtered',
        title: 'list, filtered + sorted',
        request: get(`/courses/?category=${category.slug}&level=beginner&min_price=10&max_price=100&ordering=-rating`),
        shape: 'listCourses',
        viewerId: null,
      },
      { id: 'search', title: 'search, ranked', request: get('/courses/?search=javascript'), shape: 'listCourses', viewerId: null },
      {
        id: 'search-typo',
        title: 'search, typo fallback',
        request: get('/courses/?search=javscript'),
        shape: 'listCourses',
        viewerId: null,
      },
      {
        id: 'list-deep',
        title: `list, deep page (${deepPage})`,
        request: get(`/courses/?page=${deepPage}`),
        shape: 'listCourses',
        viewerId: null,
      },
      {
        id: 'course-anonymous',
        title: 'course page, anonymous',
        request: get(`/courses/${enrolled.slug}/`),
        shape: 'getCourse',
        viewerId: null,
      },
      {
        id: 'course-enrolled',
        title: 'course page, enrolled',
        request: get(`/courses/${enrolled.slug}/`, { authorization: `Bearer ${token}` }),
        shape: 'getCourse',
        viewerId: learner.id,
      },
    ].filter((s) => wanted(s.id)) as Scenario[];
    scenarios.push(...(await insightScenarios(probe, apiBase, wanted)));

    // Capture, then the baseline serves exactly that.
    const routes: BaselineRoute[] = [];
    let poolMax = 0;
    for (const s of scenarios) {
      const captured = await capture(env, s.request, tmp, s.id);
      poolMax = captured.poolMax;
      const statements = captured.plan.flat().reduce((a, u) => a + u.statements.length, 0);
      console.log(`captured ${s.id}: ${statements} statements in ${captured.plan.length} steps (status ${captured.status})`);
      routes.push({
        method: s.request.method,
        url: s.request.path,
        authorization: s.request.headers?.authorization,
        shape: s.shape,
        viewerId: s.viewerId,
        plan: captured.plan,
      });
    }
    // Checkout: captured once for a fresh learner; the baseline replays it with each request's own values.
    const checkout = wanted('checkout')
      ? { courseId: await checkoutCourse(probe), learners: await freshLearners(probe, env, DEMO_LEARNER_EMAIL, 20_000) }
      : undefined;
    if (checkout) {
      const buyer = checkout.learners.pop()!;
      const steps = await capture(env, checkoutSequence(checkout.courseId, buyer.token), tmp, 'checkout');
      checkoutSequence(checkout.courseId, buyer.token).forEach((r, i) => {
        const c = steps[i]!;
        const statements = c.plan.flat().reduce((a, u) => a + u.statements.length, 0);
        console.log(
          `captured checkout ${r.path}: ${statements} statements, ${c.plan.flat().filter((u) => u.stripe).length} Stripe calls (status ${c.status})`,
        );
        routes.push({
          method: r.method,
          url: r.path,
          shape: 'replay',
          viewerId: null,
          plan: c.plan,
          status: c.status,
          body: c.body,
          requestBody: c.requestBody,
          userId: buyer.id,
        });
      });
    }
    const plansFile = path.join(tmp, 'plans.json');
    fs.writeFileSync(plansFile, JSON.stringify(routes));
    const baseline = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'baseline-server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        BASELINE_PORT: String(baselinePort),
        BASELINE_PLANS: plansFile,
        BASELINE_POOL_MAX: String(poolMax || 10),
        DATABASE_URL: appUrl('lf_bench_baseline'),
        PUBLIC_BASE_URL: env.PUBLIC_BASE_URL,
        BASELINE_STRIPE_PORT: String(STRIPE_PORT),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(baseline);
    await waitForPort(baselinePort, baseline);
    const targets: Target[] = [
      { name: 'learnflow', base: apiBase, pid: apiPid, applicationName: 'lf_bench_api' },
      { name: 'baseline', base: `http://127.0.0.1:${baselinePort}`, pid: baseline.pid!, applicationName: 'lf_bench_baseline' },
    ];

    for (const s of scenarios) {
      const lf = await fetchBody(apiBase, s.request);
      const bl = await fetchBody(targets[1]!.base, s.request);
      const result: ScenarioResult = { id: s.id, title: s.title, unit: 'request' };
      results.push(result);
      if (lf.status !== 200) {
        result.problem = `LearnFlow answered ${lf.status}`;
        console.log(`${s.id}: ${result.problem}: ${lf.body.slice(0, 200)}`);
        continue;
      }
      // No volatile field in these bodies (no request id or clock in a catalog body): compared byte for byte.
      const same = lf.body === bl.body;
      if (!same) {
        result.problem = 'baseline body differs';
        console.log(`${s.id}: baseline body differs ${firstDifference(lf.body, bl.body)}`);
      }
      console.log(`${s.id}: bodies ${same ? 'identical' : 'DIFFER'} (${lf.body.length} bytes); measuring`);
      const m = await compare(probe, same ? targets : [targets[0]!], loadOf(s));
      Object.assign(result, m);
      console.log(line(result));
    }

    if (checkout) {
      const lf = await checkoutOnce(apiBase, checkout.courseId, checkout.learners.pop()!.token);
      const bl = await checkoutOnce(targets[1]!.base, checkout.courseId, checkout.learners.pop()!.token);
      // Two checkouts differ by design in ids, times, order numbers and intents: those are normalised away.
      const differs = lf
        .map((a, i) => ({ a: normalizeCheckoutBody(a.body), b: normalizeCheckoutBody(bl[i]!.body), status: [a.status, bl[i]!.status] }))
        .findIndex((x) => x.a !== x.b || x.status[0] !== x.status[1]);
      if (differs >= 0) {
        console.log(
          `checkout: baseline body differs on request ${differs + 1}: ${lf[differs]!.status} vs ${bl[differs]!.status} ${firstDifference(normalizeCheckoutBody(lf[differs]!.body), normalizeCheckoutBody(bl[differs]!.body))}`,
        );
      } else console.log('checkout: bodies identical once ids, times, order numbers and intents are normalised; measuring');
      const c = await benchCheckout(probe, differs >= 0 ? [targets[0]!] : targets, checkout.learners, checkout.courseId, {
        seconds: SECONDS,
        rounds: ROUNDS,
        warmUpSeconds: WARMUP,
      });
      if (differs >= 0) c.problem = 'baseline body differs';
      results.push(c);
      console.log(line(c));
    }
    if (wanted('workers')) {
      const w = await benchWorkers({ ...env, DATABASE_URL: appUrl('lf_bench_workers') }, probe, SECONDS, ROUNDS);
      results.push(w);
      console.log(line(w));
    }
    clearInterval(rssTimer);
  } finally {
    const memory = apiPid ? memoryMbSafe(apiPid) : { rss: 0, hwm: 0 };
    for (const child of children) child.kill('SIGTERM');
    await probe.destroy();
    // The captured plans and the API's storage; BENCH_KEEP_TMP=1 keeps them to read what was replayed.
    if (!process.env.BENCH_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    const rssMaxMb = Math.max(0, ...rss);
    const checks = verdicts(results, { rssMaxMb, hwmMb: memory.hwm }).concat(insightVerdicts(results, COURSES));
    const wallSeconds = (Date.now() - started) / 1000;
    const meta = {
      machine: machine(postgres),
      courses: COURSES,
      seconds: SECONDS,
      rounds: ROUNDS,
      wallSeconds,
      command: commandLine(),
    };
    const md = markdown(results, checks, meta);
    writeResults(RESULTS, { ...meta, memory: { rssMaxMb, hwmMb: memory.hwm, rssSamplesMb: rss }, results, targets: checks }, md);
    console.log(`\n${md}`);
    const missed = checks.filter((c) => !c.met);
    console.log(
      missed.length === 0
        ? 'every target met'
        : `${missed.length} of ${checks.length} targets not met: ${missed.map((c) => `${c.scenario} (${c.target})`).join('; ')}`,
    );
    console.log(`bench/results/latest.md and latest.json written; wall time ${wallSeconds.toFixed(0)} s`);
  }
}

function memoryMbSafe(pid: number): { rss: number; hwm: number } {
  try {
    return memoryMb(pid);
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

function commandLine(): string {
  const knobs = ['BENCH_COURSES', 'BENCH_SECONDS', 'BENCH_ROUNDS', 'BENCH_SCENARIOS'].filter((k) => process.env[k]);
  return [...knobs.map((k) => `${k}=${process.env[k]}`), 'npm run bench'].join(' ');
}

function line(r: ScenarioResult): string {
  const fmt = (s?: Summary): string =>
    s
      ? `${s.rps.toFixed(0)} ${r.unit}/s p50 ${s.p50} p99 ${s.p99} cpu ${s.cpuMsPerReq.toFixed(2)} ms pg ${s.pgMsPerReq.toFixed(2)} ms` +
        (s.non2xx || s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : '')
      : '-';
  return `  ${r.id.padEnd(18)} LearnFlow ${fmt(r.learnflow)} | baseline ${fmt(r.baseline)}`;
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
