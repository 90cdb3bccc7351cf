import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { isEmpty, seedDemo } from '../db/seeds/demo';
import { DEMO_STAFF_EMAIL, ensureDemoStaff } from '../db/seeds/staff';
import { localSecrets } from '../src/localSecrets';
import { supervise, type Supervised } from './supervise';

/**
 * `npm start`: the whole system on one machine with nothing configured. Creates and migrates the database,
 * loads the demo catalog into an empty one, starts the local Stripe test server when no real key is set,
 * then runs the API and the workers as child processes. The workers are restarted (with backoff) when they die,
 * while the API keeps serving; the API or the Stripe test server dying stops everything.
 */
const ROOT = path.resolve(__dirname, '..');
const STRIPE_TEST_SERVER = path.join(ROOT, 'stripe-test-server', 'main.ts');

/** The demo staff password: this install's own random one (src/localSecrets.ts), or DEMO_STAFF_PASSWORD. */
function staffPassword(): string {
  return process.env.DEMO_STAFF_PASSWORD || localSecrets(process.env.LEARNFLOW_SECRETS_FILE || undefined).DEMO_STAFF_PASSWORD;
}

async function prepareDatabase(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const db = createDb(config.databaseUrl, { min: 0, max: 2 });
  try {
    // The seed runs under the migration lock too: two `npm start` on one database never both load the catalog.
    await migrateLatest(db, async () => {
      if (!(await isEmpty(db))) return;
      console.log('Loading the demo catalog...');
      const summary = await seedDemo(db, { log: (line) => console.log(`  ${line}`) });
      console.log(`Demo catalog loaded: ${JSON.stringify(summary)}`);
    });
    await ensureDemoStaff(db, staffPassword());
  } finally {
    await db.destroy();
  }
}

const children: Supervised[] = [];
let stopping = false;

function stopAll(code = 0): void {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 8000).unref();
  void Promise.allSettled(children.map((c) => c.stop())).then(() => process.exit(code));
}

function run(name: string, script: string, env: NodeJS.ProcessEnv, restart = false): Supervised {
  return supervise({
    name,
    script,
    cwd: ROOT,
    env,
    restart,
    log: (line) => console.log(line),
    onFatal: (who, reason) => {
      console.error(`${who} exited (${reason}); stopping everything.`);
      stopAll(1);
    },
  });
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
  children.push(run('workers', path.join(ROOT, 'workers', 'main.ts'), env, true));
  const config = loadConfig(env);
  console.log(`
LearnFlow is starting on ${config.publicBaseUrl}
Demo logins (password LearnFlow2026!): learner@learnflow.dev, instructor@learnflow.dev
Queue dashboard (staff): ${config.publicBaseUrl.replace(/\/api\/v1\/?$/, '')}/admin/login as ${DEMO_STAFF_EMAIL}, password ${staffPassword()}
Stop with Ctrl+C.
`);
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
}

main().catch((err) => {
  console.error(err);
  stopAll(1);
});
