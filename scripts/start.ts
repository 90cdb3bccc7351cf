import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { isEmpty, seedDemo } from '../db/seeds/demo';

/**
 * `npm start`: the whole system on one machine with nothing configured. Creates and migrates the database,
 * loads the demo catalog into an empty one, starts the local Stripe test server when no real key is set,
 * then runs the API and the workers as child processes and stops them together.
 */
const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const STRIPE_TEST_SERVER = path.join(ROOT, 'stripe-test-server', 'main.ts');

async function prepareDatabase(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const db = createDb(config.databaseUrl, { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    if (await isEmpty(db)) {
      console.log('Loading the demo catalog...');
      const summary = await seedDemo(db, { log: (line) => console.log(`  ${line}`) });
      console.log(`Demo catalog loaded: ${JSON.stringify(summary)}`);
    }
  } finally {
    await db.destroy();
  }
}

function run(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(TSX, [script], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything.`);
      stopAll(1);
    }
  });
  return child;
}

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code = 0): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}

async function main(): Promise<void> {
  await prepareDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!process.env.STRIPE_SECRET_KEY && fs.existsSync(STRIPE_TEST_SERVER)) {
    const port = process.env.STRIPE_TEST_SERVER_PORT ?? '12111';
    Object.assign(env, { STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: port, STRIPE_API_PROTOCOL: 'http', STRIPE_TEST_SERVER_PORT: port });
    children.push(run('Stripe test server', STRIPE_TEST_SERVER, env));
    console.log(`No STRIPE_SECRET_KEY: payments go to the local Stripe test server on http://127.0.0.1:${port}`);
  }
  children.push(run('API', path.join(ROOT, 'src', 'server.ts'), env));
  children.push(run('workers', path.join(ROOT, 'workers', 'main.ts'), env));
  const config = loadConfig(env);
  console.log(`
LearnFlow is starting on ${config.publicBaseUrl}
Demo logins (password LearnFlow2026!): learner@learnflow.dev, instructor@learnflow.dev
Stop with Ctrl+C.
`);
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
}

main().catch((err) => {
  console.error(err);
  stopAll(1);
});
