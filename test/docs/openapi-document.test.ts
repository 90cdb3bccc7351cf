import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { useTestServer } from '../support/harness';

/** The contract served to frontend teams: the bundle as JSON and YAML, and the reference page with its assets. */
const t = useTestServer();
const bundle = fs.readFileSync(path.resolve(__dirname, '../../src/generated/openapi.json'), 'utf8');

describe('GET /api/v1/openapi.json and /openapi.yaml', () => {
  it('serves the bundle the server routes with, byte for byte', async () => {
    const res = await t.api.get('/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.raw.toString('utf8'), bundle);
  });

  it('serves the same document as YAML', async () => {
    const res = await t.api.get('/openapi.yaml');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/yaml/);
    assert.deepEqual(YAML.parse(res.raw.toString('utf8')), JSON.parse(bundle));
  });
});

describe('GET /api/docs/', () => {
  it('serves the reference page, whose every asset is served by this server', async () => {
    const res = await fetch(`${t.baseUrl}/api/docs/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<div id="swagger-ui"><\/div>/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.equal(assets.length, 4, html);
    for (const asset of assets) {
      assert.ok(asset.startsWith('/api/docs/assets/'), `${asset} is not served by this server`);
      const got = await fetch(`${t.baseUrl}${asset}`);
      assert.equal(got.status, 200, asset);
      assert.ok((await got.arrayBuffer()).byteLength > 0, asset);
    }
  });

  it('redirects /api/docs to /api/docs/, and serves the same page where the contract is routed (/api/v1/docs/)', async () => {
    const redirect = await fetch(`${t.baseUrl}/api/docs`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/api/docs/');
    const page = await t.api.get('/docs/');
    assert.equal(page.status, 200);
    assert.equal(page.raw.toString('utf8'), await (await fetch(`${t.baseUrl}/api/docs/`)).text());
  });

  it('lets out no other file of swagger-ui-dist (its petstore index.html) and answers unknown assets 404', async () => {
    for (const file of ['index.html', 'swagger-initializer.js', 'package.json', '..%2Fpackage.json']) {
      const res = await fetch(`${t.baseUrl}/api/docs/assets/${file}`);
      assert.equal(res.status, 404, file);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    }
  });
});
