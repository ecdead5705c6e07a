// Tests of the npm package's domain API (loadBundle and Bundle), run with `node --test`
// against the installed package, on policies/elaygent. The answers themselves are the
// shared domain vectors' business (domain-vectors.test.mjs); these tests check the
// JavaScript side: loading, object and JSON-text calls, failures as answers, 64-bit
// integers, dispose, and the CommonJS entry.
import {Bundle, loadBundle} from 'cordon-policy';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const VECTORS_DIR =
    process.env.CORDON_VECTORS_DIR || fileURLToPath(new URL('../vectors/', import.meta.url));
const REPO = resolve(VECTORS_DIR, '..', '..');
const ELAYGENT = join(REPO, 'policies', 'elaygent');
const BUNDLES = join(REPO, 'tests', 'bundles');

const PAT = {
  user: 'pat',
  roles: ['staff'],
  tenant: 'acme',
  status: 'active'
};
const DASHBOARD = {
  method: 'GET',
  path: '/api/tenants/acme/dashboard',
  surface: 'mobile',
  session: PAT
};

function readFiles(directory, prefix = '', files = {}) {
  for (const entry of readdirSync(directory, {withFileTypes: true})) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory())
      readFiles(join(directory, entry.name), name, files);
    else if (entry.isFile())
      files[name] = readFileSync(join(directory, entry.name), 'utf8');
  }
  return files;
}

function load(directory, options) {
  const loaded = loadBundle({files: readFiles(directory), ...(options ? {options} : {})});
  assert.equal(loaded.type, 'success', JSON.stringify(loaded));
  return loaded.bundle;
}

const elaygent = load(ELAYGENT);

test('loadBundle gives a Bundle with its name, revision and digest', () => {
  assert.ok(elaygent instanceof Bundle);
  assert.equal(elaygent.name, 'elaygent');
  assert.equal(elaygent.revision, '2026-12-04.1');
  assert.match(elaygent.digest, /^[0-9a-f]{64}$/);
  assert.deepEqual(
      JSON.parse(JSON.stringify(elaygent)),
      {name: 'elaygent', revision: '2026-12-04.1', digest: elaygent.digest});
  assert.throws(() => new Bundle(), TypeError);
});

test('route answers the engine\'s decision, as an object or as JSON text', () => {
  const answer = elaygent.route(DASHBOARD);
  assert.equal(answer.type, 'success');
  assert.equal(answer.decision.allow, true);
  assert.equal(answer.decision.status, 200);
  assert.deepEqual(
      answer.decision.determining.map((p) => p.id), ['staff-own-tenant-operator-surface']);
  const text = elaygent.routeJson(JSON.stringify(DASHBOARD));
  assert.ok(text.startsWith('{"type":"success","decision":{"allow":true,"status":200,'));
  assert.deepEqual(JSON.parse(text), answer);
  assert.throws(() => elaygent.routeJson(DASHBOARD), TypeError);
});

test('malformed calls answer a typed failure and never throw', () => {
  const notJson = JSON.parse(elaygent.routeJson('{"method": "GET", "path": '));
  assert.equal(notJson.type, 'failure');
  assert.equal(notJson.errors[0].code, 'json');
  assert.match(notJson.errors[0].message, /^route request:1:27: json error: /);

  const unknownProfile = elaygent.scrub({event: {message: 'x'}, profile: 'sentry'});
  assert.deepEqual(
      unknownProfile.errors.map((e) => [e.code, e.message]), [[
        'domain',
        'call:1:36: domain error: unknown scrub profile `sentry` (the bundle\'s scrub profiles: ' +
            'error-monitoring, error-monitoring-pseudonymous)',
      ]]);

  // A call that cannot be turned into JSON text at all.
  const bigint = elaygent.mask({payload: {n: 1n}, viewer: PAT, surface: 'mobile', profile: 'x'});
  assert.equal(bigint.type, 'failure');
  assert.match(bigint.errors[0].message, /cannot be converted to JSON/);
});

test('maskJson and scrubJson keep integers beyond 2^53 exact', () => {
  const call = '{"payload": {"calls_total": 9223372036854775807, "revenue_at_risk": 5, ' +
      '"ids": [-9223372036854775808]}, "viewer": {"user": "pat", "roles": ["staff"], ' +
      '"tenant": "acme", "status": "active"}, "surface": "mobile", "profile": "dashboard"}';
  assert.equal(
      elaygent.maskJson(call),
      '{"type":"success","result":{"payload":{"calls_total":9223372036854775807,' +
          '"ids":[-9223372036854775808]},"removed":["/revenue_at_risk"],"masked":[],' +
          '"deniedClasses":["financial","secret"]}}');
  const scrubbed =
      elaygent.scrubJson('{"event": {"count": 9007199254740993}, "profile": "error-monitoring"}');
  assert.ok(scrubbed.includes('"count":9007199254740993'), scrubbed);
});

test('gate lists every unmet gate; matrix defaults to desktop JSON', () => {
  const gate = elaygent.gate({
    workflow: 'suspend_tenant',
    actor: {user: 'dana', roles: ['practice_admin'], tenant: 'acme', status: 'active'},
    facts: {tenant: 'acme'},
  });
  assert.equal(gate.result.allowed, false);
  assert.deepEqual(
      gate.result.unmet.map((g) => g.gate),
      ['platform_admin', 'destructive_secret', 'export_confirmed']);
  const matrix = elaygent.matrix();
  assert.equal(matrix.matrix.surface, 'desktop');
  assert.equal(matrix.matrix.cells.length, matrix.matrix.routes.length);
  assert.match(elaygent.matrix({surface: 'server', format: 'csv'}).matrix, /^route,action,/);
  assert.equal(elaygent.matrix({surface: 'tv'}).errors[0].code, 'domain');
});

test('a bundle that does not load is a failure naming file:line:col', () => {
  const typo = loadBundle({files: readFiles(join(BUNDLES, 'broken', 'typo_key'))});
  assert.equal(typo.type, 'failure');
  assert.equal(typo.errors[0].code, 'bundle');
  assert.match(typo.errors[0].message, /^bundle\.json:8:3: bundle error: unknown key `workflow`/);

  const key = 'cordon-test-hmac-key';
  const signed =
      load(join(BUNDLES, 'signed'), {requireSignature: 'hmac-sha256', verificationKey: key});
  assert.equal(signed.name, 'tiny');
  signed.dispose();
  const tampered = loadBundle({
    files: readFiles(join(BUNDLES, 'tampered')),
    options: {requireSignature: 'hmac-sha256', verificationKey: key},
  });
  assert.equal(tampered.type, 'failure');
  assert.equal(tampered.errors[0].code, 'signature');
  assert.ok(!tampered.errors[0].message.includes(key));

  assert.equal(loadBundle({files: {}}).type, 'failure');
  assert.equal(loadBundle({nope: 1}).errors[0].code, 'domain');
});

test('keyed hashing uses the key given at load time', () => {
  const event = {event: {user_id: 'u-123'}, profile: 'error-monitoring-pseudonymous'};
  assert.match(elaygent.scrub(event).errors[0].message, /no scrub hash key was given/);
  const keyed = load(ELAYGENT, {scrubHashKey: 'k1'});
  const hashed = keyed.scrub(event);
  assert.match(hashed.result.event.user_id, /^hmac-sha256:[0-9a-f]+$/);
  keyed.dispose();
});

test('a disposed bundle cannot be used; dispose twice is harmless', () => {
  const bundle = load(ELAYGENT);
  bundle.dispose();
  bundle.dispose();
  assert.throws(() => bundle.route(DASHBOARD), /disposed/);
  assert.throws(() => bundle.matrixJson('{}'), /disposed/);
  assert.equal(bundle.name, 'elaygent');
});

test('the CommonJS entry loads bundles and answers byte for byte alike', () => {
  const cjs = createRequire(import.meta.url)('cordon-policy');
  const loaded = cjs.loadBundle({files: readFiles(ELAYGENT)});
  assert.equal(loaded.type, 'success');
  assert.ok(loaded.bundle instanceof cjs.Bundle);
  const request = JSON.stringify(DASHBOARD);
  assert.equal(loaded.bundle.routeJson(request), elaygent.routeJson(request));
  assert.deepEqual(
      loaded.bundle.gate({workflow: 'x', actor: PAT}), elaygent.gate({workflow: 'x', actor: PAT}));
  loaded.bundle.dispose();
});
