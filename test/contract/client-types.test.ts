import assert from 'node:assert/strict';
import { it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

/**
 * The test client is typed from the generated contract (test/support/apiPaths.ts). The lines marked
 * @ts-expect-error are checked by `tsc` (test/contract/typecheck.test.ts): were the client to accept a path or
 * status the contract does not document, the expected error would be missing and `tsc` would fail.
 */
const t = useTestServer();

it('types the body per documented status, and says so when the answer had another status', async () => {
  const course = await insertCourse(t.db, { title: 'Typed Client Course' });
  const list = await t.api.get('/courses/?page_size=5');
  const page = list.bodyFor(200);
  const titles: string[] = page.results.map((c) => c.title);
  assert.ok(titles.includes('Typed Client Course'));

  const one = (await t.api.get(`/courses/${course.id}/`)).bodyFor(200);
  const title: string = one.title;
  assert.equal(title, 'Typed Client Course');

  const missing = await t.api.get('/courses/not-a-course/');
  const error = missing.bodyFor(404).error;
  assert.equal(error.code, 'COURSE_NOT_FOUND');
  assert.throws(() => missing.bodyFor(200), /expected 200, got 404/);
});

it('refuses at compile time what the contract does not have', async () => {
  const check = (): void => {
    // @ts-expect-error no such path in the contract
    void t.api.get('/no-such-thing/');
    // @ts-expect-error the path exists, not with this method
    void t.api.delete('/courses/');
    // @ts-expect-error a status the operation does not document
    void t.api.get('/courses/').then((res) => res.bodyFor(418));
  };
  assert.equal(typeof check, 'function');
  // Off the contract on purpose: request() takes any method and path.
  assert.equal((await t.api.request('GET', '/no-such-thing/')).status, 404);
});
