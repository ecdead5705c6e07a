// The npm package in Node's CommonJS, as a Node server would use it in front of its routes:
// require('cordon-policy') is ready on return, loads the signed elaygent bundle and decides
// the four kinds of answer the edge examples give (pass, 403, 302 with Location, 401).
// edge-node.test.mjs makes the same decisions through the ES module entry.
'use strict';

const assert = require('node:assert/strict');
const {readdirSync, readFileSync} = require('node:fs');
const {join, resolve} = require('node:path');
const {test} = require('node:test');

const {loadBundle} = require('cordon-policy');

const REPO = process.env.CORDON_REPO_ROOT ?? resolve(__dirname, '..', '..');
const ELAYGENT = join(REPO, 'policies', 'elaygent');

function bundleFiles(directory, prefix = '', files = {}) {
  for (const entry of readdirSync(directory, {withFileTypes: true})) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) bundleFiles(join(directory, entry.name), name, files);
    else if (entry.isFile()) files[name] = readFileSync(join(directory, entry.name), 'utf8');
  }
  return files;
}

const PAT = {user: 'pat', roles: ['staff'], tenant: 'acme', status: 'active'};
const SAM = {user: 'sam', roles: ['staff'], tenant: 'acme', status: 'disabled'};

test('require() decides routes on the signed elaygent bundle', () => {
  const key = readFileSync(join(REPO, 'policies', 'keys', 'elaygent.pub'), 'utf8').trim();
  const loaded = loadBundle({
    files: bundleFiles(ELAYGENT),
    options: {requireSignature: 'ed25519', verificationKey: key},
  });
  assert.equal(loaded.type, 'success', JSON.stringify(loaded));
  const {bundle} = loaded;
  const route = (path, session, surface = 'desktop') =>
      bundle.route({method: 'GET', path, surface, session}).decision;

  const own = route('/api/tenants/acme/dashboard', PAT, 'mobile');
  assert.deepEqual([own.allow, own.status, own.route, own.obligations.scrubProfile],
                   [true, 200, 'GET /api/tenants/:tenantId/dashboard', 'dashboard']);
  const other = route('/api/tenants/bright/dashboard', PAT);
  assert.deepEqual([other.allow, other.status, other.determining.map((p) => p.id)],
                   [false, 403, ['tenant-scope-reasserted']]);
  const disabled = route('/api/tenants/acme/calls', SAM);
  assert.deepEqual([disabled.status, disabled.redirect, disabled.obligations.revokeSession],
                   [302, '/login?reason=disabled', true]);
  assert.equal(route('/api/tenants/acme/calls', undefined).status, 401);
  bundle.dispose();
});
