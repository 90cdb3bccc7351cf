/**
 * Database commands:
 *   tsx db/cli.ts migrate                         create the database if missing, run pending migrations
 *   tsx db/cli.ts seed [--courses N] [--reset]    migrate, then seed the demo catalog (only into an empty
 *                                                 database, unless --reset truncates every table first)
 * DATABASE_URL defaults to the one in src/config.ts.
 */
import type { Knex } from 'knex';
import { DEFAULT_DATABASE_URL } from '../src/config';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { redact } from './pgTools';
import { DEMO_INSTRUCTOR_EMAIL, DEMO_LEARNER_EMAIL, DEMO_PASSWORD, isEmpty, seedDemo } from './seeds/demo';

const USAGE = 'usage: tsx db/cli.ts migrate | seed [--courses N] [--reset]';

function parseArgs(argv: string[]): { command: string | undefined; courses?: number; reset: boolean } {
  const [command, ...rest] = argv;
  let courses: number | undefined;
  let reset = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--reset') reset = true;
    else if (arg === '--courses' || arg.startsWith('--courses=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : rest[++i];
      courses = Number(value);
      if (!Number.isInteger(courses) || courses < 1) throw new Error(`--courses needs a positive integer, got "${value}"`);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { command, courses, reset };
}

async function truncateAll(db: Knex): Promise<void> {
  const { rows } = await db.raw<{ rows: Array<{ tablename: string }> }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex\\_migrations%'",
  );
  if (rows.length === 0) return;
  // RESTART IDENTITY also resets order_number_seq (owned by orders.order_number).
  await db.raw(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command !== 'migrate' && args.command !== 'seed') {
    console.error(USAGE);
    return 2;
  }
  // Only the database: the release step must not need the API's secrets (JWT, Stripe) to run in production.
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  console.log(`database: ${redact(databaseUrl)}`);
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, { min: 0, max: 2 });
  try {
    let started = Date.now();
    await migrateLatest(db);
    console.log(`migrations: up to date (${Date.now() - started} ms)`);
    if (args.command === 'migrate') return 0;

    if (args.reset) {
      await truncateAll(db);
      console.log('reset: every table truncated');
    } else if (!(await isEmpty(db))) {
      console.log('seed: skipped, the database already has courses (run with --reset to wipe and reseed)');
      return 0;
    }
    started = Date.now();
    const summary = await seedDemo(db, { courses: args.courses, log: (line) => console.log(`seed: ${line}`) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `seed: done in ${seconds}s - ${summary.categories} categories, ${summary.courses} courses, ${summary.sections} sections, ` +
        `${summary.lessons} lessons, ${summary.reviews} reviews, ${summary.enrollments} enrollments, ${summary.users} users`,
    );
    console.log(`demo logins (password ${DEMO_PASSWORD}): ${DEMO_LEARNER_EMAIL} (learner), ${DEMO_INSTRUCTOR_EMAIL} (instructor)`);
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
