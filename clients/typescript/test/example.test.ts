import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { bin, BUNDLE, type Child, freePort, ROOT, startChild, waitForHttp } from '../../../test/support/processes';
import { insertCourse } from '../../../test/support/factories/catalog';
import { startTestServer, type TestServer } from '../../../test/support/harness';

/**
 * `npm run example:client` (the guide's Python flow in TypeScript) run as the README says, against the Prism
 * mock (`npm run mock`'s command on a free port) and against the real server, with the same code.
 */
let prism: Child;
let mockUrl: string;
let t: TestServer;

before(async () => {
  const port = await freePort();
  prism = startChild(bin('prism'), ['mock', '-h', '127.0.0.1', '-p', String(port), BUNDLE]);
  mockUrl = `http://127.0.0.1:${port}`;
  t = await startTestServer();
  await waitForHttp(`${mockUrl}/health/`, prism);
});
after(async () => {
  await prism?.stop();
  await t?.close();
});

/** Asynchronously: the real server answering it lives in this very process. */
async function runExample(baseUrl: string): Promise<string> {
  const run = startChild('npm', ['run', '-s', 'example:client'], { cwd: ROOT, env: { ...process.env, BASE_URL: baseUrl } });
  const code = await run.exited;
  assert.equal(code, 0, `the example failed against ${baseUrl}:\n${run.output()}`);
  return run.output();
}

it('runs against the mock', async () => {
  const out = await runExample(mockUrl);
  assert.match(out, /Registered: \S+@\S+/);
  assert.match(out, /Found \d+ courses/);
  assert.match(out, /Added to cart: /);
  assert.match(out, /Cart total: \$\d/);
  assert.match(out, /Total hours learned: \d/);
});

it('runs against the server: the course found with the filters is the one in the cart', async () => {
  const course = await insertCourse(t.db, {
    categoryName: 'Development',
    level: 'Beginner',
    title: 'Example Flow Course',
    priceCents: 4999,
  });
  const out = await runExample(`${t.baseUrl}/api/v1`);
  assert.match(out, /Found 1 courses/);
  assert.match(out, new RegExp(`Adding course ${course.id} to cart`));
  assert.match(out, /Added to cart: Example Flow Course/);
  assert.match(out, /Cart total: \$49\.99/);
  assert.match(out, /Enrolled courses: 0/);
});
