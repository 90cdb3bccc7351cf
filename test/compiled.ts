import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build, BUILT_DIRS, DIST, ROOT, RUNTIME_ASSETS } from '../scripts/build';

/**
 * `npm run test:compiled`: the HTTP tests against the compiled API (`dist/src/server.js`, as `npm run start:api`
 * runs it: plain node, NODE_ENV=production), one process per test file (test/support/compiledApi.ts). Builds
 * dist/ first unless it is newer than every source file. Without arguments it runs a representative subset
 * (auth, catalog and reviews, cart and the whole purchase path with webhooks, HTTP caching, the error examples;
 * files that freeze the clock in the test process, such as test/learning/progress.test.ts, cannot steer another process); arguments
 * narrow or widen it like `npm test` (`npm run test:compiled -- test/` runs every file).
 */
export const COMPILED_SUBSET = [
  'test/auth/auth.test.ts',
  'test/catalog/list.test.ts',
  'test/catalog/reviews.test.ts',
  'test/commerce/purchase.test.ts',
  'test/commerce/webhooks.test.ts',
  'test/commerce/cart.test.ts',
  'test/http/conditional-requests.test.ts',
  'test/contract/error-examples.test.ts',
  'test/production/',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** dist/ is fresh when it exists and was built after the last change to any compiled source or asset. */
export function distIsFresh(): boolean {
  const stamp = path.join(DIST, 'src', 'server.js');
  if (!fs.existsSync(stamp)) return false;
  const builtAt = fs.statSync(stamp).mtimeMs;
  const sources = Math.max(
    ...BUILT_DIRS.map((d) => newestMtime(path.join(ROOT, d))),
    ...RUNTIME_ASSETS.map((a) => fs.statSync(path.join(ROOT, a)).mtimeMs),
  );
  return builtAt >= sources;
}

/** Builds dist/ when it is stale; shared by the compiled tests, the scale test and test/production/. */
export function ensureBuilt(): void {
  if (distIsFresh()) return;
  console.log('dist/ is stale or missing: npm run build');
  build();
}

if (require.main === module) {
  const started = Date.now();
  ensureBuilt();
  const filters = process.argv.slice(2);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'run.ts'), ...(filters.length ? filters : COMPILED_SUBSET)],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, TEST_COMPILED_API: '1' },
    },
  );
  console.log(`test:compiled finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(result.status ?? 1);
}
