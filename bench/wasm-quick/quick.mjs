// Quick per-call timing of cordon-policy against @cedar-policy/cedar-wasm: the WASM
// engineer's measuring stick while shrinking and speeding up the module, not the
// official benchmark (bench/wasm/). Both answer statefulIsAuthorized after
// preparsePolicySet, on the same call objects, in one Node run.
//
//   npm ci --prefix bench/wasm-quick                     # once: @cedar-policy/cedar-wasm
//   node bench/wasm-quick/quick.mjs                      # wasm/dist, 3 rounds
//   node bench/wasm-quick/quick.mjs --dist DIR --rounds 5 --calls 20000
//   node bench/wasm-quick/quick.mjs --dist DIR --baseline OTHER_DIR   # two builds, one run
//   node --cpu-prof bench/wasm-quick/quick.mjs --only 'Json\(text' --dist DIR   # profile
//
// DIR holds cordon.mjs, cordon-core.mjs and cordon-core.wasm (wasm/dist by default),
// so two builds can be compared. Besides the two object-in, object-out calls it times
// cordon's JSON-text call (statefulIsAuthorizedJson) and JSON.stringify/JSON.parse
// alone, to tell the wrapper's share from the module's.
import {performance} from 'node:perf_hooks';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';
import assert from 'node:assert/strict';

import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

const here = path.dirname(fileURLToPath(import.meta.url));
const {values: args} = parseArgs({
  options: {
    dist: {type: 'string', default: path.join(here, '../../wasm/dist')},
    rounds: {type: 'string', default: '3'},
    calls: {type: 'string', default: '10000'},
    only: {type: 'string'},  // a regular expression: time only the variants it matches
    baseline: {type: 'string'},  // a second cordon build (DIR as --dist), timed alongside
  },
});
const dist = path.resolve(args.dist);
const cordon = await import(pathToFileURL(path.join(dist, 'cordon.mjs')).href);

// ---- The workload: RBAC over tenants, 20 policies, 50 entities -------------------------

const POLICIES = `
permit(principal in Role::"admin", action, resource);
permit(principal in Role::"editor", action in [Action::"read", Action::"write"], resource)
  when { resource.tenant == principal.tenant };
permit(principal in Role::"viewer", action == Action::"read", resource)
  when { resource.classification != "secret" && principal.tenant == resource.tenant };
permit(principal, action == Action::"share", resource)
  when { resource.owner == principal && context.mfa };
forbid(principal, action, resource) when { principal.status == "suspended" };
forbid(principal, action == Action::"delete", resource)
  unless { context.mfa && context.ip.isInRange(ip("10.0.0.0/8")) };
forbid(principal, action, resource) when { context.risk > 80 };
permit(principal, action == Action::"read", resource) when { resource.public };
forbid(principal, action == Action::"delete", resource)
  when { resource has legalHold && resource.legalHold };
permit(principal, action in Action::"readOnly", resource)
  when { principal.level >= 3 && resource.tenant == principal.tenant };
permit(principal == User::"u0", action, resource in Tenant::"t0");
forbid(principal, action == Action::"write", resource)
  when { context.hour < 6 || context.hour > 22 };
permit(principal, action == Action::"write", resource) when { resource.owner == principal };
forbid(principal, action, resource)
  unless { principal.tenant == resource.tenant || principal in Role::"admin" };
permit(principal, action == Action::"read", resource)
  when { context.referrer like "https://*.example.com/*" };
permit(principal in Role::"auditor", action == Action::"read", resource)
  when { context.reason == "audit" };
forbid(principal in Role::"viewer", action in [Action::"write", Action::"delete"], resource);
permit(principal, action, resource)
  when { principal.department == "security" && context.breakglass };
forbid(principal, action, resource)
  when { context has country && ["KP", "IR"].contains(context.country) };
permit(principal, action == Action::"share", resource)
  when { principal.level > 5 && resource.classification == "internal" };
`;

const ROLES = ['admin', 'editor', 'viewer', 'auditor'];
const TENANTS = ['t0', 't1', 't2', 't3'];
const CLASSES = ['public', 'internal', 'confidential', 'secret'];
const DEPARTMENTS = ['sales', 'support', 'security', 'engineering'];
const uid = (type, id) => ({type, id});

function buildEntities() {
  const entities = [];
  for (const role of ROLES) entities.push({uid: uid('Role', role), attrs: {}, parents: []});
  for (const tenant of TENANTS) entities.push({uid: uid('Tenant', tenant), attrs: {}, parents: []});
  entities.push({uid: uid('Action', 'readOnly'), attrs: {}, parents: []});
  for (const action of ['read', 'write', 'delete', 'share']) {
    const parents = action === 'read' ? [uid('Action', 'readOnly')] : [];
    entities.push({uid: uid('Action', action), attrs: {}, parents});
  }
  for (let i = 0; i < 18; i++) {
    const tenant = TENANTS[i % TENANTS.length];
    entities.push({
      uid: uid('User', `u${i}`),
      attrs: {
        tenant: {__entity: uid('Tenant', tenant)},
        department: DEPARTMENTS[i % DEPARTMENTS.length],
        level: i % 8,
        status: i === 7 ? 'suspended' : 'active',
        email: `user${i}@example.com`,
      },
      parents: [uid('Role', ROLES[i % ROLES.length]), uid('Tenant', tenant)],
    });
  }
  for (let i = 0; i < 19; i++) {
    const tenant = TENANTS[(i * 3) % TENANTS.length];
    const attrs = {
      tenant: {__entity: uid('Tenant', tenant)},
      owner: {__entity: uid('User', `u${(i * 5) % 18}`)},
      classification: CLASSES[i % CLASSES.length],
      public: i % 6 === 0,
      tags: ['a', 'b', `doc${i}`],
    };
    if (i % 4 === 1) attrs.legalHold = i % 8 === 1;
    entities.push({uid: uid('Document', `d${i}`), attrs, parents: [uid('Tenant', tenant)]});
  }
  return entities;
}

const ENTITIES = buildEntities();
const ACTIONS = ['read', 'write', 'delete', 'share'];

// 16 distinct calls (allow, deny by forbid, default deny), cycled through.
function buildCalls(extra) {
  const calls = [];
  for (let i = 0; i < 16; i++) {
    calls.push({
      principal: uid('User', `u${(i * 7) % 18}`),
      action: uid('Action', ACTIONS[i % ACTIONS.length]),
      resource: uid('Document', `d${(i * 5) % 19}`),
      context: {
        mfa: i % 3 !== 0,
        ip: {__extn: {fn: 'ip', arg: i % 2 ? '10.1.2.3' : '192.168.0.9'}},
        risk: (i * 13) % 100,
        hour: (i * 5) % 24,
        referrer: i % 4 ? 'https://app.example.com/docs' : 'https://evil.test/',
        reason: i % 5 ? 'work' : 'audit',
        breakglass: i === 11,
        country: i === 13 ? 'KP' : 'US',
      },
      entities: ENTITIES,
      ...extra,
    });
  }
  return calls;
}

const baseline = args.baseline ?
    await import(pathToFileURL(path.join(path.resolve(args.baseline), 'cordon.mjs')).href) :
    null;

const SET_ID = 'quick';
const cedarCalls = buildCalls({preparsedPolicySetId: SET_ID});
const cordonCalls = buildCalls({preparsedPolicySetId: SET_ID});
const cordonTexts = cordonCalls.map((call) => JSON.stringify(call));

// ---- Set-up and agreement --------------------------------------------------------------

assert.equal(cedar.preparsePolicySet(SET_ID, {staticPolicies: POLICIES}).type, 'success');
assert.equal(cordon.preparsePolicySet(SET_ID, {staticPolicies: POLICIES}).type, 'success');
if (baseline) {
  assert.equal(baseline.preparsePolicySet(SET_ID, {staticPolicies: POLICIES}).type, 'success');
}
assert.deepEqual(JSON.parse(cordon.statefulIsAuthorizedJson(cordonTexts[3])),
                 cordon.statefulIsAuthorized(cordonCalls[3]));
const decisions = {allow: 0, deny: 0};
for (let i = 0; i < cedarCalls.length; i++) {
  const theirs = cedar.statefulIsAuthorized(cedarCalls[i]);
  const ours = cordon.statefulIsAuthorized(cordonCalls[i]);
  assert.equal(theirs.type, 'success', JSON.stringify(theirs));
  assert.equal(ours.type, 'success', JSON.stringify(ours));
  assert.equal(ours.response.decision, theirs.response.decision, `call ${i}`);
  assert.deepEqual([...ours.response.diagnostics.reason].sort(),
                   [...theirs.response.diagnostics.reason].sort(), `call ${i}`);
  decisions[ours.response.decision]++;
}

// ---- Timing -------------------------------------------------------------------------------
//
// The machine is shared with other builds, so the variants take turns round by round
// (a burst of load hits all of them alike) and each reports the fastest round, the one
// least disturbed, next to the median.

const CALLS = Number(args.calls);
const ROUNDS = Number(args.rounds);
const answerText = cordon.statefulIsAuthorizedJson(cordonTexts[0]);

const variants = [
  ['cedar-wasm statefulIsAuthorized(object)', (i) => cedar.statefulIsAuthorized(cedarCalls[i])],
  ['cordon statefulIsAuthorized(object)', (i) => cordon.statefulIsAuthorized(cordonCalls[i])],
  ['cordon statefulIsAuthorizedJson(text), no JS JSON',
   (i) => cordon.statefulIsAuthorizedJson(cordonTexts[i])],
  ['  JSON.stringify(call) alone', (i) => JSON.stringify(cordonCalls[i])],
  ['  JSON.parse(answer) alone', () => JSON.parse(answerText)],
];

if (baseline) {
  variants.splice(2, 0, [`baseline (${args.baseline}) statefulIsAuthorized(object)`,
                         (i) => baseline.statefulIsAuthorized(cordonCalls[i])]);
}
if (args.only) {
  const only = new RegExp(args.only);
  variants.splice(0, variants.length, ...variants.filter(([name]) => only.test(name)));
}
for (const [, fn] of variants) {
  for (let i = 0; i < Math.min(CALLS, 1000); i++) fn(i % 16);  // warm-up
}
const times = variants.map(() => []);
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  variants.forEach(([, fn], v) => {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) sink += fn(i % 16) ? 1 : 0;
    times[v].push(((performance.now() - start) * 1000) / CALLS);
  });
}

console.log(`node ${process.version}; ${POLICIES.match(/^(permit|forbid)/gm).length} policies, ${
    ENTITIES.length} entities per call, 16 calls cycled (${decisions.allow} allow, ${
    decisions.deny} deny); ${ROUNDS} rounds of ${CALLS} calls; module ${args.dist}`);
console.log(`${''.padEnd(52)} ${'fastest'.padStart(9)} ${'median'.padStart(9)}  us/call`);
const best = times.map((t) => Math.min(...t));
times.forEach((t, v) => {
  const sorted = [...t].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${variants[v][0].padEnd(52)} ${best[v].toFixed(2).padStart(9)} ${
      median.toFixed(2).padStart(9)}`);
});
if (!args.only) {
  console.log(`cedar-wasm / cordon, object calls, fastest rounds: ${
      (best[0] / best[1]).toFixed(1)}x${sink < 0 ? '' : ''}`);
}
