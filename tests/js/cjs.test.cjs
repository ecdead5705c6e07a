// Tests of the npm package's CommonJS entry, run with `node --test` against the
// installed package: require('cordon-policy') is usable on return (no init), decides
// like the ES module, and offers the same functions.
'use strict';

const assert = require('node:assert/strict');
const {test} = require('node:test');

const cordon = require('cordon-policy');

const CALL = {
  principal: {type: 'User', id: 'alice'},
  action: {type: 'Action', id: 'view'},
  resource: {type: 'Photo', id: 'a.jpg'},
  context: {},
  policies: {staticPolicies: 'permit(principal == User::"alice", action, resource);'},
  entities: [],
};

test('require() returns a ready module that decides synchronously', () => {
  const answer = cordon.isAuthorized(CALL);
  assert.deepEqual(answer, {
    type: 'success',
    response: {decision: 'allow', diagnostics: {reason: ['policy0'], errors: []}},
    warnings: [],
  });
  const bob = cordon.isAuthorized({...CALL, principal: {type: 'User', id: 'bob'}});
  assert.equal(bob.response.decision, 'deny');
});

test('malformed input is a failure answer, not an exception', () => {
  const answer = cordon.isAuthorized({...CALL, policies: {staticPolicies: 'permit('}});
  assert.equal(answer.type, 'failure');
  assert.ok(answer.errors.length > 0 && typeof answer.errors[0].message === 'string');
  assert.equal(JSON.parse(cordon.isAuthorizedJson('[')).type, 'failure');
});

test('preparsed policy sets work through require()', () => {
  assert.deepEqual(cordon.preparsePolicySet('cjs', CALL.policies), {type: 'success'});
  const {policies, ...rest} = CALL;
  assert.equal(
      cordon.statefulIsAuthorized({...rest, preparsedPolicySetId: 'cjs'}).response.decision,
      'allow');
  assert.equal(
      cordon.statefulIsAuthorized({...rest, preparsedPolicySetId: 'nope'}).type, 'failure');
});

test('the CommonJS and ES module entries export the same API and answer alike', async () => {
  const esm = await import('cordon-policy');
  const names = (module) => Object.keys(module).filter((name) => name !== 'default').sort();
  assert.deepEqual(names(cordon), names(esm));
  for (const name of names(cordon)) assert.equal(typeof cordon[name], typeof esm[name], name);
  assert.equal(
      cordon.isAuthorizedJson(JSON.stringify(CALL)), esm.isAuthorizedJson(JSON.stringify(CALL)));
  assert.equal(cordon.getCordonVersion(), esm.getCordonVersion());
  assert.equal(cordon.getCedarLangVersion(), esm.getCedarLangVersion());
  await cordon.init();
});
