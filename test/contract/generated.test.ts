import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { bin, ROOT } from '../support/processes';

/**
 * src/generated/ is committed output of `npm run generate`: regenerate it into a temporary directory with
 * the same commands and fail when the committed files differ (a contract change without a regeneration).
 */
let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-generate-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

it('src/generated/openapi.json and api.ts are what `npm run generate` writes', () => {
  // As in package.json: the bundle with the project's redocly.yaml, then the types from a directory without
  // one (openapi-typescript would otherwise read redocly.yaml and resolve the split document instead).
  run(bin('redocly'), ['bundle', 'openapi/openapi.yaml', '-o', path.join(dir, 'openapi.json'), '--ext', 'json'], ROOT);
  run(bin('openapi-typescript'), ['openapi.json', '-o', 'api.ts'], dir);
  for (const file of ['openapi.json', 'api.ts']) {
    const fresh = fs.readFileSync(path.join(dir, file), 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, 'src/generated', file), 'utf8');
    assert.ok(fresh.length > 1000, `the regenerated ${file} is nearly empty`);
    assert.ok(fresh === committed, `src/generated/${file} is stale: run \`npm run generate\``);
  }
});
