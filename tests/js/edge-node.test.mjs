// The npm package through Node's ES module entry, as a Node server would use it in front of
// its routes: `import` is ready to use, loads the signed elaygent bundle and decides the four
// kinds of answer the edge examples give (pass, 403, 302 with Location, 401), byte for byte
// as the CommonJS entry does (edge-node.test.cjs checks that entry on its own).
import * as esm from 'cordon-policy';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const REPO = process.env.CORDON_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const {bundleFiles} = await import(pathToFileURL(join(REPO, 'examples', 'pack-bundle.mjs')).href);
const KEY = readFileSync(join(REPO, 'policies', 'keys', 'elaygent.pub'), 'utf8').trim();
const LOAD = {files: bundleFiles(join(REPO, 'policies', 'elaygent')),
              options: {requireSignature: 'ed25519', verificationKey: KEY}};

const PAT = {user: 'pat', roles: ['staff'], tenant: 'acme', status: 'active'};
const SAM = {user: 'sam', roles: ['staff'], tenant: 'acme', status: 'disabled'};
const REQUESTS = [
  {method: 'GET', path: '/api/tenants/acme/dashboard', surface: 'mobile', session: PAT},
  {method: 'GET', path: '/api/tenants/bright/dashboard', surface: 'desktop', session: PAT},
  {method: 'GET', path: '/api/tenants/acme/calls', surface: 'desktop', session: SAM},
  {method: 'GET', path: '/api/tenants/acme/calls', surface: 'desktop'},
];

test('import decides routes on the signed elaygent bundle, as require() does', () => {
  const loaded = esm.loadBundle(LOAD);
  assert.equal(loaded.type, 'success', JSON.stringify(loaded));
  const {bundle} = loaded;
  const decisions = REQUESTS.map((request) => bundle.route(request).decision);
  assert.deepEqual(decisions.map((d) => [d.allow, d.status, d.redirect]), [
    [true, 200, null],
    [false, 403, null],
    [false, 302, '/login?reason=disabled'],
    [false, 401, null],
  ]);
  assert.equal(decisions[0].obligations.scrubProfile, 'dashboard');
  assert.deepEqual(decisions[1].determining.map((p) => p.id), ['tenant-scope-reasserted']);

  const cjs = createRequire(import.meta.url)('cordon-policy').loadBundle(LOAD).bundle;
  for (const request of REQUESTS) {
    assert.equal(cjs.routeJson(JSON.stringify(request)), bundle.routeJson(JSON.stringify(request)));
  }
  cjs.dispose();
  bundle.dispose();
});
