import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run test:faults`: the fault scenarios, one file each, one at a time (each starts its own private
 * PostgreSQL and Redis on fixed ports and kills them). Arguments narrow the files by name.
 */
const dir = path.resolve(__dirname);
const filters = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => path.join('test-faults', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) throw new Error('No fault scenario matches');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
