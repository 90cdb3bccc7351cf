import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { insertCourse } from '../support/factories/catalog';
import { startTestServer, type TestServer } from '../support/harness';

/**
 * The reference page in a real browser: Debian's Chromium (no browser download; `.ci/run` installs it), driven
 * by playwright-core. Every tag and a sample operation must render, "Try it out" must reach this server, and
 * the page must ask nothing of any other host (no CDN, no outside fonts). A screenshot is kept in
 * test-artifacts/. A browser that cannot start fails the test: it is never skipped.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

let t: TestServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const requested: string[] = [];
const problems: string[] = [];
const bundle = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../src/generated/openapi.json'), 'utf8')) as {
  tags: { name: string }[];
};

before(async () => {
  t = await startTestServer();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 1000 },
  });
  context.on('request', (req) => requested.push(req.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
});

after(async () => {
  await context?.close();
  await t?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

it('renders every tag and a sample operation, and "Try it out" calls this server', async () => {
  await insertCourse(t.db, { categoryName: 'Reference Page Category' });
  await page.goto(`${t.baseUrl}/api/docs/`);
  await page.locator('.information-container .title').filter({ hasText: 'LearnFlow API' }).waitFor({ timeout: 30_000 });

  for (const { name } of bundle.tags) {
    await page.locator(`#operations-tag-${name}`).waitFor({ timeout: 10_000 });
  }
  // The sample: the catalog search, expanded, with its documented filters.
  const sample = page.locator('#operations-courses-listCourses');
  await sample.locator('.opblock-summary').first().click();
  for (const param of ['category', 'level', 'search', 'page_size']) {
    await sample.locator(`tr[data-param-name="${param}"]`).waitFor({ timeout: 10_000 });
  }

  // Try it out on an operation without parameters, whose live answer can only come from this server's database.
  const tryIt = page.locator('#operations-categories-listCategories');
  await tryIt.locator('.opblock-summary').first().click();
  await tryIt.locator('button.try-out__btn').click();
  await tryIt.locator('button.execute').click();
  const status = tryIt.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  assert.equal((await status.textContent())?.trim(), '200');
  const body = (await tryIt.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? '';
  assert.ok(body.includes('Reference Page Category'), `the live answer does not list the category: ${body.slice(0, 500)}`);
  assert.equal((await tryIt.locator('.request-url pre').textContent())?.trim(), `${t.baseUrl}/api/v1/categories/`);
  assert.ok(requested.includes(`${t.baseUrl}/api/v1/categories/`), 'the try-it request went through the browser');

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await tryIt.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS, 'reference-page.png') });

  const outside = requested.filter((url) => !/^(data:|blob:)/.test(url) && new URL(url).origin !== t.baseUrl);
  assert.deepEqual(outside, [], 'the page asked another host for something');
  assert.deepEqual(problems, []);
});
