import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guideExamples, shellCommands } from '../support/guide';
import { matchOperation } from '../support/contract';

/**
 * The customer's guide (docs/learnflow-api-guide.md) is the requirement: every request it shows must be an
 * operation of the contract, with the same method and path. Ids in the guide's paths (`order-001`,
 * `a1b2c3d4-...`, `invalid-course-id`) are parameter values, so the path is matched against the templates.
 */
describe('every curl example of the guide is an operation of the contract', () => {
  const examples = guideExamples();

  it("reads the guide's 30 curl examples", () => {
    assert.equal(examples.length, 30, 'the guide has 30 curl examples; did the parser or the guide change?');
  });

  for (const example of examples) {
    it(`${example.title}: ${example.method} ${example.path}`, () => {
      const operation = matchOperation(example.method, example.path);
      assert.ok(operation, `no operation of the contract is ${example.method} ${example.path}`);
      if (example.status !== undefined) {
        assert.ok(
          String(example.status) in (operation.responses ?? {}),
          `${operation.operationId} does not document the guide's ${example.status}`,
        );
      }
    });
  }
});

describe('the guide parser', () => {
  it("reads multi-line -d bodies, continuations, comments and curl's default methods", () => {
    const [first, second] = guideExamples(
      [
        '### A',
        '```bash',
        'curl -X POST "http://localhost:8000/api/v1/auth/login/" \\',
        '  -H "Content-Type: application/json" \\',
        "  -d '{",
        '    "email": "a@b.c"',
        "  }'",
        '```',
        '**Response (200)**:',
        '```json',
        '{"ok": true}',
        '```',
        '### B',
        '```bash',
        'curl "http://localhost:8000/api/v1/auth/login/" -d \'{"x": 1}\'',
        '# ... repeated',
        '```',
        '**Response (429)**',
      ].join('\n'),
    );
    assert.deepEqual(
      [first?.method, first?.path, first?.body, first?.status, first?.response],
      ['POST', '/auth/login/', { email: 'a@b.c' }, 200, { ok: true }],
    );
    assert.deepEqual([second?.method, second?.status, second?.headers], ['POST', 429, {}]);
    assert.deepEqual(shellCommands('curl "a b" \\\n  c # note\ncurl d'), [
      ['curl', 'a b', 'c'],
      ['curl', 'd'],
    ]);
  });

  it('a path the contract lacks matches nothing', () => {
    assert.equal(matchOperation('GET', '/courses/x/nonexistent/'), undefined);
    assert.equal(matchOperation('GET', '/courses'), undefined, 'trailing slashes are part of the paths');
  });
});
