import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';

/**
 * tsx strips types without checking them, so nothing else in `npm test` would notice a type error: the strict
 * compile is what makes a missing or misspelled operation handler (the map is typed against the generated
 * operations) fail the build.
 */
it('compiles under strict TypeScript with no errors', () => {
  const tsc = path.resolve(__dirname, '../../node_modules/.bin/tsc');
  const result = spawnSync(tsc, ['--noEmit', '-p', '.'], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc --noEmit failed:\n${result.stdout}${result.stderr}`);
});
