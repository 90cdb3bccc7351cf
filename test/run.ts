import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dropTemplate, prepareTemplate } from './support/databases';

// Each run builds its own template (named after this process), so two runs on one machine never drop each
// other's; the test files it spawns inherit the name.
process.env.TEST_TEMPLATE_DB ??= `lf_tpl_${process.pid}`;

/**
 * `npm test`: builds the migrated template database once, then runs every test file with node's test runner
 * (each file in its own process, with a database copied from the template). Arguments narrow the files:
 * `npm test -- test/auth` runs the files whose path contains "test/auth".
 */
function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = [...findTests('test'), ...findTests('clients/typescript/test')]
    .sort()
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  if (files.length === 0) throw new Error('No test files found');
  // The whole run starts with the linter and formatter check (biome.jsonc), so `npm test` is red on a lint error
  // or an unformatted file; a run narrowed to some files skips it to stay quick while editing.
  if (filters.length === 0 && !process.env.TEST_COMPILED_API) {
    const lint = spawnSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'ci', '.'], {
      stdio: 'inherit',
    });
    if (lint.status !== 0) {
      console.error('Biome found lint or format problems: `npm run format` fixes formatting, `npm run lint` lists them.');
      process.exit(lint.status ?? 1);
    }
  }
  await prepareTemplate();
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-force-exit',
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
      '--test-reporter=spec',
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  await dropTemplate();
  // The whole run ends with the HTTP tests that matter most run again against the compiled API, as
  // `npm run start:api` runs it in production (test/compiled.ts: builds dist/ when stale, then a subset).
  if (filters.length === 0 && !process.env.TEST_COMPILED_API) {
    const { TEST_TEMPLATE_DB: _ownTemplate, ...env } = process.env;
    const compiled = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'compiled.ts')], { stdio: 'inherit', env });
    process.exit((result.status ?? 1) || (compiled.status ?? 1));
  }
  process.exit(result.status ?? 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
