import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { insertCourse } from '../../../test/support/factories/catalog';
import { startTestServer, type TestServer } from '../../../test/support/harness';
import { allItems, createLearnFlowClient, LearnFlowError, pages, unwrap } from '../src';

/**
 * The typed client against the real server. `expireAccess` swaps the client's access token for the same claims,
 * signed with the server's key, expired a minute ago, so the next call meets 401 TOKEN_EXPIRED; a counting fetch
 * sees the refreshes. (Waiting out a 1 s token was flaky: `exp` counts whole seconds, and on a loaded machine the
 * refreshed token could expire again before the retries landed.)
 */
let t: TestServer;
let baseUrl: string;

before(async () => {
  t = await startTestServer();
  baseUrl = `${t.baseUrl}/api/v1`;
});
after(async () => {
  await t?.close();
});

function expireAccess(client: ReturnType<typeof createLearnFlowClient>): void {
  const pair = client.tokens.get()!;
  const now = Math.floor(Date.now() / 1000);
  const claims = jwt.decode(pair.access_token) as jwt.JwtPayload;
  const expired = jwt.sign({ ...claims, iat: now - 120, exp: now - 60 }, t.config.jwt.accessSecret, { algorithm: 'HS256' });
  client.tokens.set({ ...pair, access_token: expired });
}

function countingFetch() {
  const calls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    calls.push(url);
    return fetch(input, init);
  };
  return { fetch: counted, refreshes: () => calls.filter((u) => u.endsWith('/auth/refresh/')).length, calls };
}

async function signedIn(fetchImpl?: typeof fetch, onSignOut?: () => void) {
  const client = createLearnFlowClient({ baseUrl, fetch: fetchImpl, onSignOut });
  const email = `client-${crypto.randomUUID()}@example.com`;
  client.signIn(
    unwrap(
      await client.api.POST('/auth/register/', { body: { email, password: 'SecurePassword123!', first_name: 'Ada', last_name: 'Client' } }),
    ),
  );
  return { client, email };
}

describe('the typed client', () => {
  it('attaches the access token', async () => {
    const { client, email } = await signedIn();
    const me = unwrap(await client.api.GET('/auth/me/'));
    assert.equal(me.email, email);
  });

  it('refreshes once for ten concurrent 401 TOKEN_EXPIRED and retries every request', async () => {
    const counter = countingFetch();
    const { client, email } = await signedIn(counter.fetch);
    const before = client.tokens.get();
    expireAccess(client);
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.api.GET('/auth/me/')));
    assert.deepEqual(
      answers.map((a) => a.response.status),
      Array(10).fill(200),
    );
    assert.ok(answers.every((a) => a.data?.email === email));
    assert.equal(counter.refreshes(), 1);
    assert.notEqual(client.tokens.get()?.refresh_token, before?.refresh_token, 'the rotated refresh token is kept');
    // Twenty /auth/me/ calls: ten 401s and ten retries.
    assert.equal(counter.calls.filter((u) => u.endsWith('/auth/me/')).length, 20);
  });

  it('retries a request with a body after the refresh', async () => {
    const counter = countingFetch();
    const course = await insertCourse(t.db);
    const { client } = await signedIn(counter.fetch);
    expireAccess(client);
    const added = await client.api.POST('/cart/items/', { body: { course_id: course.id } });
    assert.equal(added.response.status, 201);
    assert.equal(added.data?.course.id, course.id);
    assert.equal(counter.refreshes(), 1);
  });

  it('signs out when the refresh fails: tokens cleared, onSignOut called, the 401 returned', async () => {
    let signedOut = 0;
    const counter = countingFetch();
    const { client } = await signedIn(counter.fetch, () => signedOut++);
    // The refresh token is revoked behind the client's back (logged out elsewhere).
    const refresh = client.tokens.get()!.refresh_token;
    assert.equal(
      (
        await fetch(`${baseUrl}/auth/logout/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${client.tokens.get()!.access_token}` },
          body: JSON.stringify({ refresh_token: refresh }),
        })
      ).status,
      204,
    );
    expireAccess(client);
    const answers = await Promise.all([client.api.GET('/auth/me/'), client.api.GET('/cart/')]);
    assert.deepEqual(
      answers.map((a) => a.response.status),
      [401, 401],
    );
    assert.equal(answers[0]?.error?.error.code, 'TOKEN_EXPIRED');
    assert.equal(counter.refreshes(), 1);
    assert.equal(signedOut, 1);
    assert.equal(client.tokens.get(), null);
  });

  it('types the error envelope: unwrap throws a LearnFlowError with code, status and details', async () => {
    const client = createLearnFlowClient({ baseUrl });
    const res = await client.api.POST('/auth/register/', {
      body: { email: 'not-an-email', password: 'x', first_name: 'A', last_name: 'B' },
    });
    assert.equal(res.error?.error.code, 'VALIDATION_ERROR');
    const thrown = (() => {
      try {
        unwrap(res);
      } catch (err) {
        return err;
      }
    })();
    assert.ok(thrown instanceof LearnFlowError);
    assert.equal(thrown.status, 422);
    assert.equal(thrown.code, 'VALIDATION_ERROR');
    assert.ok(thrown.details?.email);
  });

  it('iterates the pages of a list until the last one', async () => {
    const category = `Paged ${crypto.randomUUID().slice(0, 8)}`;
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await insertCourse(t.db, { categoryName: category })).id));
    const client = createLearnFlowClient({ baseUrl });
    const seen: number[] = [];
    for await (const page of pages((page) => client.api.GET('/courses/', { params: { query: { category, page, page_size: 2 } } }))) {
      seen.push(page.results.length);
    }
    assert.deepEqual(seen, [2, 2, 1]);
    const all = await allItems((page) => client.api.GET('/courses/', { params: { query: { category, page, page_size: 2 } } }));
    assert.deepEqual(all.map((c) => c.id).sort(), [...ids].sort());
  });
});
