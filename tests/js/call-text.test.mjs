// Tests of how the package writes a call's JSON text into the core's memory
// (wasm/js/call-text.js, inlined into both entries): byte for byte what TextEncoder makes of
// JSON.stringify's text, or -1 for anything it leaves to JSON.stringify; and, through the
// installed package, calls given as objects decide exactly as the same calls given as text.
import * as cordon from 'cordon-policy';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const REPO = process.env.CORDON_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const CALL_TEXT = readFileSync(join(REPO, 'wasm', 'js', 'call-text.js'), 'utf8');
const {writeJsonValue} = new Function(`${CALL_TEXT}; return {writeJsonValue};`)();

const encoder = new TextEncoder();
const SENTINEL = 0xaa;

// The bytes written for value into a buffer of `room` bytes after an offset, or null for -1;
// asserts that nothing outside [offset, offset + room) was touched.
function written(value, room = 1 << 16) {
  const offset = 3;
  const heap = new Uint8Array(offset + room + 8).fill(SENTINEL);
  const end = writeJsonValue(value, heap, offset, offset + room, 0);
  for (let i = 0; i < offset; i++) assert.equal(heap[i], SENTINEL, 'wrote before the buffer');
  for (let i = offset + room; i < heap.length; i++) {
    assert.equal(heap[i], SENTINEL, 'wrote past the end of the buffer');
  }
  if (end < 0) return null;
  assert.ok(end <= offset + room);
  return heap.slice(offset, end);
}

function assertLikeStringify(value, label) {
  assert.deepEqual(written(value), encoder.encode(JSON.stringify(value)), label);
}

// mulberry32: the same values on every run.
function random(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Code units that JSON.stringify treats differently: controls, quote, backslash, DEL, two- and
// three-byte UTF-8, surrogate pairs, and lone surrogates (escaped as \udXXX).
const UNITS = [
  'a', 'Z', '0', ' ', '/', '~', '\x7f', '"', '\\', '\b', '\t', '\n', '\f', '\r', '\0', '\x01',
  '\x1f', '\u00e9', '\u07ff', '\u0800', '\u2028', '\u20ac', '\uffff', '\ud83d\ude00', '\ud800',
  '\udfff', '\udbff', '\udc00',
];
const NUMBERS = [
  0, -0, 1, -1, 7, 42, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-7, 1.5, -3.25,
  0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity,
];
const SKIPPED = [undefined, () => 1, Symbol('s')];

function randomString(next) {
  let text = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) text += UNITS[Math.floor(next() * UNITS.length)];
  return text;
}

function randomValue(next, depth) {
  const pick = next();
  if (depth > 4 || pick < 0.3) return randomString(next);
  if (pick < 0.45) return NUMBERS[Math.floor(next() * NUMBERS.length)];
  if (pick < 0.5) return next() < 0.5;
  if (pick < 0.55) return null;
  if (pick < 0.75) {
    const array = [];
    const length = Math.floor(next() * 5);
    for (let i = 0; i < length; i++) {
      array.push(next() < 0.1 ? SKIPPED[Math.floor(next() * 3)] : randomValue(next, depth + 1));
    }
    return array;
  }
  const object = next() < 0.2 ? Object.create(null) : {};
  const members = Math.floor(next() * 5);
  for (let i = 0; i < members; i++) {
    // Integer-like keys come first in JSON.stringify's order, whatever the insertion order.
    const key = next() < 0.2 ? String(Math.floor(next() * 20)) : randomString(next);
    object[key] = next() < 0.1 ? SKIPPED[Math.floor(next() * 3)] : randomValue(next, depth + 1);
  }
  return object;
}

test('plain values are written byte for byte as JSON.stringify and TextEncoder write them', () => {
  const next = random(7);
  for (let i = 0; i < 4000; i++) assertLikeStringify(randomValue(next, 0), `value ${i}`);
  for (const unit of UNITS) assertLikeStringify({[unit]: unit}, JSON.stringify(unit));
  for (const number of NUMBERS) assertLikeStringify([number], String(number));
  assertLikeStringify({a: undefined, b: () => 1, c: Symbol('c'), d: 1}, 'skipped members');
  assertLikeStringify([undefined, () => 1, Symbol('c')], 'skipped elements become null');
  assertLikeStringify({}, 'empty object');
  assertLikeStringify([], 'empty array');
  assertLikeStringify('', 'empty string');
});

test('a realistic call is written as JSON.stringify writes it', () => {
  assertLikeStringify({
    principal: {type: 'User', id: 'alice'},
    action: {type: 'Action', id: 'view'},
    resource: {type: 'Photo', id: 'vacation\u00e9.jpg'},
    context: {ip: {__extn: {fn: 'ip', arg: '10.0.0.1'}}, n: -12, tags: ['a', 'b']},
    preparsedPolicySetId: 'set',
    entities: [{uid: {type: 'User', id: 'alice'}, attrs: {age: 30}, parents: []}],
  });
});

test('values JSON.stringify transforms or refuses are left to it', () => {
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  class List extends Array {}
  const cycle = {};
  cycle.self = cycle;
  let deep = 'leaf';
  for (let i = 0; i < 70; i++) deep = [deep];
  const refused = [
    {toJSON: () => 'x'}, {nested: {toJSON: () => 'x'}}, new Date(0), new Map(), new Point(),
    List.from([1]), 1n, {big: 1n}, cycle, deep, Object(1), Object('s'), [new Uint8Array(1)],
    undefined, () => 1, Symbol('s'),
  ];
  const hidden = {};
  Object.defineProperty(hidden, 'toJSON', {value: () => 'hidden', enumerable: false});
  refused.push(hidden);
  // Boxed primitives are serialized as their primitive whatever their prototype.
  for (const prototype of [null, Object.prototype]) {
    for (const boxed of [Object(5), Object('ab'), Object(false)]) {
      refused.push(Object.setPrototypeOf(boxed, prototype), {nested: [boxed]});
    }
  }
  for (const value of refused) assert.equal(written(value), null, String(typeof value));
});

test('JSON.rawJSON values are left to JSON.stringify, which writes their text', () => {
  // Node 20 has JSON.rawJSON behind a flag: a child process with it checks the writer.
  const script = `
    const source = ${JSON.stringify(CALL_TEXT)};
    const writeJsonValue = new Function(source + '; return writeJsonValue;')();
    const heap = new Uint8Array(64);
    const raw = JSON.rawJSON('5');
    process.stdout.write(JSON.stringify([JSON.stringify({n: raw}),
        writeJsonValue(raw, heap, 0, 64, 0), writeJsonValue({n: raw}, heap, 0, 64, 0)]));`;
  const out = execFileSync(process.execPath, ['--harmony-json-parse-with-source', '-e', script]);
  assert.deepEqual(JSON.parse(out), ['{"n":5}', -1, -1]);
});

test('in a small buffer the text is written whole or not at all, never past the end', () => {
  // Strings need room for their longest escaping (six bytes a code unit) before they are
  // written, so a text may be refused with room to spare, never cut short.
  const value = {id: 'caf\u00e9 \ud83d\ude00 "q" \n', list: [1, -0.5, null, true, {k: 'v'}]};
  const full = encoder.encode(JSON.stringify(value));
  let fitted = 0;
  for (let room = 0; room <= 6 * full.length; room++) {
    const bytes = written(value, room);
    if (room < full.length) assert.equal(bytes, null, `${room}`);
    if (bytes) assert.deepEqual(bytes, full, `${room}`), fitted++;
  }
  assert.ok(fitted > 0);
});

// ---- Through the installed package: objects decide as their JSON text does.

const POLICIES = 'permit(principal == User::"alice", action == Action::"view", resource) ' +
    'when { context.ok == true };';
cordon.preparsePolicySet('call-text', {staticPolicies: POLICIES});

function plainCall(context) {
  return {
    principal: {type: 'User', id: 'alice'},
    action: {type: 'Action', id: 'view'},
    resource: {type: 'Photo', id: 'a.jpg'},
    context,
    preparsedPolicySetId: 'call-text',
    entities: [],
  };
}

function assertDecidesAsText(call, expectedDecision) {
  const answer = cordon.statefulIsAuthorized(call);
  const text = JSON.stringify(call);
  assert.deepEqual(answer, JSON.parse(cordon.statefulIsAuthorizedJson(text)));
  if (expectedDecision) assert.equal(answer.response.decision, expectedDecision);
}

test('object calls decide as their JSON text, with toJSON, getters and odd strings', () => {
  assertDecidesAsText(plainCall({ok: true}), 'allow');
  assertDecidesAsText(plainCall({ok: false}), 'deny');
  assertDecidesAsText(plainCall({ok: {toJSON: () => true}}), 'allow');
  const note = '\u00e9\u20ac\ud83d\ude00 \u0000 "q"\\';
  assertDecidesAsText(plainCall({ok: true, note}), 'allow');
  // A lone surrogate is written as its escape, which the core refuses either way.
  assertDecidesAsText(plainCall({ok: true, note: 'lone \ud800'}));
  const withGetter = plainCall({});
  Object.defineProperty(withGetter.context, 'ok', {get: () => true, enumerable: true});
  assertDecidesAsText(withGetter, 'allow');
  const cycle = plainCall({ok: true});
  cycle.context.self = cycle.context;
  const refused = cordon.statefulIsAuthorized(cycle);
  assert.equal(refused.type, 'failure');
  assert.match(refused.errors[0].message, /cannot be converted to JSON/);
});

test('a getter that calls cordon while the call is written does not disturb it', () => {
  const call = plainCall({});
  let inner = null;
  Object.defineProperty(call.context, 'ok', {
    enumerable: true,
    get() {
      inner = cordon.statefulIsAuthorized(plainCall({ok: false, pad: 'x'.repeat(200000)}));
      return true;
    },
  });
  assert.equal(cordon.statefulIsAuthorized(call).response.decision, 'allow');
  assert.equal(inner.response.decision, 'deny');
});

test('a reason id that begins with U+FEFF keeps it', () => {
  const policies = {'\ufeffa': 'permit(principal, action, resource);'};
  cordon.preparsePolicySet('bom', {staticPolicies: policies});
  const call = {...plainCall({}), preparsedPolicySetId: 'bom'};
  assertDecidesAsText(call, 'allow');
  assert.deepEqual(cordon.statefulIsAuthorized(call).response.diagnostics.reason, ['\ufeffa']);
});

test('enumerable keys added to Object.prototype are not sent, as JSON.stringify does not', () => {
  const inherited = {value: false, enumerable: true, configurable: true};
  Object.defineProperty(Object.prototype, 'ok', inherited);
  try {
    assertDecidesAsText(plainCall({}), 'deny');
    const call = plainCall({ok: true});
    assertDecidesAsText(call, 'allow');
  } finally {
    delete Object.prototype.ok;
  }
  // Added by a getter while the call is written: the context, written after it, would have
  // sent ok: true and been allowed.
  const call = plainCall({});
  Object.defineProperty(call, 'action', {
    enumerable: true,
    get() {
      Object.defineProperty(Object.prototype, 'ok', {...inherited, value: true});
      return {type: 'Action', id: 'view'};
    },
  });
  try {
    assert.equal(cordon.statefulIsAuthorized(call).response.decision, 'deny');
  } finally {
    delete Object.prototype.ok;
  }
});
