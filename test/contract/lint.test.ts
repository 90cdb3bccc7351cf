import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../support/processes';

/** `npm run -s lint:spec` (the strict Redocly ruleset of redocly.yaml) ends with zero errors and zero warnings. */
it('the contract lints clean: exit 0, no errors, no warnings, nothing ignored', () => {
  const result = spawnSync('npm', ['run', '-s', 'lint:spec'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const output = `${result.stdout}\n${result.stderr}`;
  // Stylish problem lines look like "  12:3  warning  rule-id  message"; the summary counts them.
  const problems = output.split('\n').filter((line) => /^\s*\d+:\d+\s+(error|warning)\s/.test(line));
  assert.deepEqual(problems, [], output);
  assert.doesNotMatch(output, /\b\d+ (errors?|warnings?)\b/, output);
  assert.equal(result.status, 0, output);
  assert.match(output, /Your API description is valid/, output);
  // An ignore file would hide problems from the count.
  assert.equal(fs.existsSync(path.join(ROOT, '.redocly.lint-ignore.yaml')), false, '.redocly.lint-ignore.yaml hides lint problems');
});
