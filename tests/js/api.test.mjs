// Tests of the npm package's ES module API (isAuthorized, preparsePolicySet,
// statefulIsAuthorized, the JSON-text entry points, versions), run with `node --test`
// against the installed package. Answers must have @cedar-policy/cedar-wasm's shapes.
import * as cordon from 'cordon-policy';
import assert from 'node:assert/strict';
import {test} from 'node:test';

const {
  init,
  isAuthorized,
  isAuthorizedJson,
  preparsePolicySet,
  preparseEntities,
  statefulIsAuthorized,
  statefulIsAuthorizedJson,
  getCordonVersion,
  getCedarLangVersion,
} = cordon;

const ALICE_MAY_VIEW = 'permit(principal == User::"alice", action == Action::"view", resource);';

function call(overrides = {}) {
  return {
    principal: {type: 'User', id: 'alice'},
    action: {type: 'Action', id: 'view'},
    resource: {type: 'Photo', id: 'a.jpg'},
    context: {},
    policies: {staticPolicies: ALICE_MAY_VIEW},
    entities: [],
    ...overrides,
  };
}

function assertDetailedError(error) {
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  for (const key of ['help', 'code', 'url']) assert.ok(key in error, `DetailedError has ${key}`);
  assert.ok('severity' in error);
}

function assertFailure(answer) {
  assert.equal(answer.type, 'failure', JSON.stringify(answer));
  assert.ok(Array.isArray(answer.errors) && answer.errors.length > 0, JSON.stringify(answer));
  answer.errors.forEach(assertDetailedError);
}

test('importing in Node loads the module: init() resolves at once and is idempotent', async () => {
  await init();
  await init({});
  assert.equal(isAuthorized(call()).type, 'success');
});

test('isAuthorized answers cedar-wasm success shape with the determining policy', () => {
  const answer = isAuthorized(call());
  assert.deepEqual(answer, {
    type: 'success',
    response: {decision: 'allow', diagnostics: {reason: ['policy0'], errors: []}},
    warnings: [],
  });
});

test('default deny: no applicable policy gives deny with an empty reason', () => {
  const answer = isAuthorized(call({principal: {type: 'User', id: 'bob'}}));
  assert.equal(answer.type, 'success');
  assert.equal(answer.response.decision, 'deny');
  assert.deepEqual(answer.response.diagnostics.reason, []);
});

test('forbid overrides permit, and reason names the forbid', () => {
  const answer = isAuthorized(call({
    policies: {staticPolicies: `${ALICE_MAY_VIEW}\nforbid(principal, action, resource);`},
  }));
  assert.equal(answer.response.decision, 'deny');
  assert.deepEqual(answer.response.diagnostics.reason, ['policy1']);
});

test('group membership from entities, with {__entity} references', () => {
  const answer = isAuthorized(call({
    principal: {__entity: {type: 'User', id: 'carol'}},
    policies: {staticPolicies: 'permit(principal in Group::"admins", action, resource);'},
    entities: [
      {uid: {type: 'User', id: 'carol'}, attrs: {}, parents: [{type: 'Group', id: 'admins'}]},
      {uid: {type: 'Group', id: 'admins'}, attrs: {}, parents: []},
    ],
  }));
  assert.equal(answer.response.decision, 'allow', JSON.stringify(answer));
});

test('a policy that errors is skipped and reported by id with a DetailedError', () => {
  const answer = isAuthorized(call({
    policies: {
      staticPolicies:
          `${ALICE_MAY_VIEW}\npermit(principal, action, resource) when { principal.missing == 1 };`,
    },
  }));
  assert.equal(answer.type, 'success');
  assert.equal(answer.response.decision, 'allow');
  assert.deepEqual(answer.response.diagnostics.reason, ['policy0']);
  assert.equal(answer.response.diagnostics.errors.length, 1);
  assert.equal(answer.response.diagnostics.errors[0].policyId, 'policy1');
  assertDetailedError(answer.response.diagnostics.errors[0].error);
});

test('non-ASCII text crosses the JS/wasm boundary intact', () => {
  const answer = isAuthorized(call({
    principal: {type: 'User', id: 'José 😀'},
    policies: {
      staticPolicies: {'política_ñ': 'permit(principal == User::"José 😀", action, resource);'}
    },
  }));
  assert.deepEqual(answer.response.diagnostics.reason, ['política_ñ'], JSON.stringify(answer));
});

test('malformed calls come back as failures, never as exceptions', () => {
  assertFailure(isAuthorized(call({policies: {staticPolicies: 'permit(principal, action'}})));
  assertFailure(isAuthorized(call({principal: 42})));
  assertFailure(isAuthorized(call({entities: 'not a list'})));
  assertFailure(isAuthorized({}));
  assertFailure(isAuthorized(null));
  assertFailure(isAuthorized(undefined));
  const cyclic = call();
  cyclic.context.self = cyclic.context;
  assertFailure(isAuthorized(cyclic));
  assertFailure(isAuthorized(call({context: {big: 10n}})));
  for (const answer of [isAuthorized({}), isAuthorized(undefined)]) {
    assert.deepEqual(answer.warnings, []);
  }
});

test('isAuthorizedJson: JSON text in, JSON text out', () => {
  const text = isAuthorizedJson(JSON.stringify(call()));
  assert.equal(typeof text, 'string');
  assert.deepEqual(JSON.parse(text), isAuthorized(call()));
  const failure = JSON.parse(isAuthorizedJson('{"principal": '));
  assertFailure(failure);
  assert.throws(() => isAuthorizedJson(call()), TypeError);
});

test('isAuthorizedJson keeps 64-bit integers exact', () => {
  // 2^53 + 1 is not a double: a JS number would round it to 2^53.
  const policies = (n) =>
      ({staticPolicies: `permit(principal, action, resource) when { context.n == ${n} };`});
  const text = (n) => JSON.stringify(call({policies: policies(n)}))
                          .replace('"context":{}', '"context":{"n":9007199254740993}');
  assert.equal(JSON.parse(isAuthorizedJson(text('9007199254740993'))).response.decision, 'allow');
  assert.equal(JSON.parse(isAuthorizedJson(text('9007199254740992'))).response.decision, 'deny');
});

test('preparsePolicySet + statefulIsAuthorized decide like isAuthorized', () => {
  assert.deepEqual(
      preparsePolicySet('photos', {staticPolicies: ALICE_MAY_VIEW}), {type: 'success'});
  const {policies, ...rest} = call();
  const stateful = statefulIsAuthorized({...rest, preparsedPolicySetId: 'photos'});
  assert.deepEqual(stateful, isAuthorized(call()));
  const bob = statefulIsAuthorized(
      {...rest, principal: {type: 'User', id: 'bob'}, preparsedPolicySetId: 'photos'});
  assert.equal(bob.response.decision, 'deny');
  const text = statefulIsAuthorizedJson(JSON.stringify({...rest, preparsedPolicySetId: 'photos'}));
  assert.deepEqual(JSON.parse(text), stateful);
});

test('decision objects are exactly the parsed JSON answers, whatever the policy ids', () => {
  // Ids that a reader of the answer text could trip on: quotes, backslashes, commas,
  // brackets, the answer's own closing text, non-ASCII, control characters, an empty id.
  const ids = ['policy0', 'a"b', 'a\\b', 'x,y', '],"errors":[]}},"warnings":[]}', 'é✓😀', '', 'tab\t',
    '"', ','];
  const permit = 'permit(principal == User::"alice", action, resource);';
  const failing = 'permit(principal, action, resource) when { 1 + resource.missing > 0 };';
  const forbid = 'forbid(principal == User::"alice", action, resource) when { context.deny };';
  const sets = [];
  for (const id of ids) sets.push({[id]: permit});
  sets.push(Object.fromEntries(ids.map((id) => [id, permit])));     // many reasons
  sets.push({[ids[1]]: permit, [ids[4]]: failing, [ids[5]]: forbid});  // with an error
  sets.push({});                                                        // no reason
  sets.forEach((staticPolicies, index) => {
    assert.deepEqual(preparsePolicySet(`ids${index}`, {staticPolicies}), {type: 'success'});
    for (const deny of [false, true]) {
      const {policies, ...rest} = call({context: {deny}});
      const request = {...rest, preparsedPolicySetId: `ids${index}`};
      const text = statefulIsAuthorizedJson(JSON.stringify(request));
      const object = statefulIsAuthorized(request);
      assert.deepEqual(object, JSON.parse(text));
      assert.equal(JSON.stringify(object), text);  // the same keys in the same order
      assert.equal(JSON.stringify(isAuthorized({...rest, policies: {staticPolicies}})), text);
    }
  });
});

test('preparseEntities: calls naming the entities decide as calls carrying them', () => {
  const staff = 'permit(principal in Group::"staff", action, resource) when { principal.level > 2 };';
  assert.deepEqual(preparsePolicySet('staff', {staticPolicies: staff}), {type: 'success'});
  const entities = [
    {uid: {type: 'User', id: 'alice'}, attrs: {level: 3}, parents: [{type: 'Group', id: 'staff'}]},
    {uid: {type: 'User', id: 'bob'}, attrs: {level: 1}, parents: [{type: 'Group', id: 'staff'}]},
  ];
  assert.deepEqual(preparseEntities('people', entities), {type: 'success'});
  const {policies, entities: none, ...rest} = call();
  for (const id of ['alice', 'bob', 'carol']) {
    const base = {...rest, principal: {type: 'User', id}, preparsedPolicySetId: 'staff'};
    assert.deepEqual(statefulIsAuthorized({...base, preparsedEntitiesId: 'people'}),
                     statefulIsAuthorized({...base, entities}), id);
  }
  const alice = {...rest, preparsedPolicySetId: 'staff'};
  assert.equal(statefulIsAuthorized({...alice, preparsedEntitiesId: 'people'}).response.decision,
               'allow');
  assertFailure(statefulIsAuthorized({...alice, preparsedEntitiesId: 'nobody'}));
  assertFailure(statefulIsAuthorized({...alice, preparsedEntitiesId: 'people', entities}));
  assertFailure(preparseEntities('broken', [{uid: 1}]));
  assertFailure(preparseEntities(7, []));
});

test('preparsePolicySet under an existing id replaces the set', () => {
  preparsePolicySet('replaced', {staticPolicies: ALICE_MAY_VIEW});
  preparsePolicySet('replaced', {staticPolicies: 'forbid(principal, action, resource);'});
  const {policies, ...rest} = call();
  const answer = statefulIsAuthorized({...rest, preparsedPolicySetId: 'replaced'});
  assert.equal(answer.response.decision, 'deny');
});

test('a policy set that does not parse fails cleanly and keeps the set already there', () => {
  assert.equal(preparsePolicySet('kept', {staticPolicies: ALICE_MAY_VIEW}).type, 'success');
  const answer = preparsePolicySet('kept', {staticPolicies: 'permit(principal, action'});
  assertFailure(answer);
  assert.equal('warnings' in answer, false, 'CheckParseAnswer has no warnings');
  const {policies, ...rest} = call();
  assert.equal(
      statefulIsAuthorized({...rest, preparsedPolicySetId: 'kept'}).response.decision, 'allow');
  assertFailure(preparsePolicySet(7, {staticPolicies: ALICE_MAY_VIEW}));
  assertFailure(preparsePolicySet('bigint', {staticPolicies: 1n}));
});

test('an unknown preparsed id fails cleanly', () => {
  const {policies, ...rest} = call();
  const answer = statefulIsAuthorized({...rest, preparsedPolicySetId: 'never-preparsed'});
  assertFailure(answer);
  assert.deepEqual(answer.warnings, []);
  assertFailure(statefulIsAuthorized({...rest}));
  assertFailure(JSON.parse(statefulIsAuthorizedJson('not json')));
});

test('versions are semantic version strings', () => {
  assert.match(getCordonVersion(), /^\d+\.\d+\.\d+/);
  assert.match(getCedarLangVersion(), /^\d+\.\d+/);
});
