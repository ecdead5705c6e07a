// Random Cedar scenarios for differential testing: policies, entities and requests, all
// deterministic from (seed, scenario index), so a failing case can be regenerated alone.
//
//   import { generateScenario, scenarioCalls } from './generate.mjs';
//   const scenario = generateScenario(1, 42);      // seed 1, scenario #42
//   for (const call of scenarioCalls(scenario)) ... // cedar-wasm AuthorizationCall objects
//
//   $ node tools/difftest/generate.mjs --seed 1 --count 20 > calls.jsonl   # one call per line
//
// A scenario is a small world (entity types, a hierarchy, attributes, tags, actions) with a
// handful of policies and several requests against it. Policies are kept as trees (see
// printPolicy) so that run.mjs can shrink a differing case to a small one. The JSON policy
// format is made from the text by the reference's policyToJson, so this module loads
// cedar-wasm too.
//
// Integers in JSON (attributes, context, tags) stay within ±(2^53 - 1): cedar-wasm receives JS
// objects, and a double cannot carry a larger integer exactly. Policy text has no such limit,
// so literals there go up to the ends of the 64-bit range to exercise overflow.

import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

// ---- Deterministic randomness ----------------------------------------------------------------

// Mixes the run seed and the scenario index into one 32-bit state.
function mixSeed(seed, index) {
  let h = 0x9e3779b9 ^ Math.imul(seed | 0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) ^ Math.imul(index | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  constructor(state) { this.state = state >>> 0; }
  // mulberry32: small, fast and good enough for picking grammar productions.
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) { return Math.floor(this.next() * n); }
  range(lo, hi) { return lo + this.int(hi - lo + 1); }
  chance(p) { return this.next() < p; }
  pick(list) { return list[this.int(list.length)]; }
  // Picks from [[weight, value], ...].
  weighted(choices) {
    let total = 0;
    for (const [w] of choices) total += w;
    let r = this.next() * total;
    for (const [w, v] of choices) {
      if ((r -= w) < 0) return v;
    }
    return choices[choices.length - 1][1];
  }
  subset(list, p) { return list.filter(() => this.chance(p)); }
}

// ---- Vocabulary --------------------------------------------------------------------------------

const ENTITY_TYPES = [
  'User',
  'Group',
  'Photo',
  'Album',
  'Document',
  'Resource',
  'App::User',
  'App::Team',
  'Org::Dept::Unit',
  'Ns::Folder',
  'is_not_reserved',
  'Action2',
];
const ACTION_TYPES = ['Action', 'Action', 'Action', 'App::Action'];
const ACTION_IDS = ['view', 'edit', 'delete', 'read write', 'ünï', 'admin', ''];
const ENTITY_IDS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'root',
  '',
  'a"b',
  'back\\slash',
  'ünïcödé',
  '🙂',
  'with space',
  'line\nbreak',
  'tab\there',
  '0',
  'null',
  '*',
  'x::y',
];
// Attribute, context and record field names; some need ["..."] access.
const ATTR_NAMES = [
  'age',     'name', 'level',   'active', 'tags', 'owner',     'manager', 'addr',       'score',
  'created', 'ttl',  'profile', 'nums',   'flag', 'members',   'budget',  'with space', 'ünï',
  '',        'if',   'has',     'in',     'true', 'principal', '_x1',     'a.b',        'Value',
];
const POLICY_IDS =
    ['p', 'policy0', 'policy1', 'allow-all', 'ünï', '', 'with space', 'a"b', 'link1'];
const TAG_NAMES = ['t1', 't2', 'color', 'level', '', 'with space', 'ünï'];
const STRINGS = [
  '',    'a',      'abc',     'alice',    'hello world',  'Hello', 'a*b',    '*',
  '\\',  '"',      'ünïcödé', '🙂🙂', 'line\nbreak',  'tab\t', 'cr\rlf', '\u0000',
  'x.y', 'abcabc', 'aaa',     'aXbXc',    'http://x/y?z', '12',
];
const SAFE_LONGS = [
  0,
  1,
  -1,
  2,
  3,
  7,
  10,
  42,
  100,
  -100,
  255,
  2147483647,
  -2147483648,
  4294967296,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  3037000499,
  3037000500,
];
// Policy-text literals: the ends of the 64-bit range and values whose products overflow.
const TEXT_LONGS = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775806',
  '4611686018427387904',
  '-4611686018427387904',
  '3037000500',
  '-3037000500',
  '9007199254740993',
  '1000000000000',
];
const DECIMALS = [
  '0.0',
  '1.0',
  '1.00',
  '1.2345',
  '-1.5',
  '10.25',
  '922337203685477.5807',
  '-922337203685477.5808',
  '0.0001',
  '-0.0',
];
const BAD_DECIMALS = [
  '1.23456',
  '1',
  'abc',
  '1.',
  '.5',
  '922337203685477.5808',
  '1.0.0',
  '',
  '+1.0',
  '1e3',
];
const IPS = [
  '127.0.0.1',
  '10.0.0.0/8',
  '10.1.2.3',
  '192.168.1.1/24',
  '192.168.0.0/16',
  '::1',
  'ff02::1',
  '224.0.0.1',
  '2001:db8::/32',
  '2001:db8::1',
  '0.0.0.0/0',
  '::/0',
  '127.255.255.255',
  '::',
  '0.0.0.0',
  '255.255.255.255/32',
  '::1/128',
  'fe80::1/64',
];
const BAD_IPS = [
  '256.0.0.1',
  '1.2.3',
  '10.0.0.1/33',
  '::ffff:1.2.3.4',
  '01.2.3.4',
  'fe80::1%eth0',
  '',
  'abc',
  '::1/129',
  '1.2.3.4/',
  '1.2.3.4/08',
  ':::',
  '1::2::3',
];
const DATETIMES = [
  '2024-01-01',
  '2024-01-01T12:34:56Z',
  '2024-01-01T12:34:56.789Z',
  '2024-01-01T12:34:56+0130',
  '2024-01-01T12:34:56-2359',
  '1970-01-01',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '2024-02-29',
  '1969-12-31T23:59:59Z',
  '2024-06-15T00:00:00.000+0000',
  // The same instants written differently: equal as values.
  '2024-01-01T11:04:56Z',
  '2024-01-01T00:00:00Z',
  '2024-06-15T01:30:00+0130',
  '1969-12-31T23:59:59.999Z',
];
const BAD_DATETIMES = [
  '2024-02-30',
  '2024-1-1',
  '2024-01-01T24:00:00Z',
  '2024-01-01T12:34:56.7Z',
  '2023-02-29',
  '2024-01-01T12:34:56',
  '2024-01-01T12:34Z',
  '2024-01-01 12:34:56Z',
  '',
  '2024-01-01T12:34:56+01:30',
  '2024-13-01',
  '2024-01-01T12:60:00Z',
];
const DURATIONS = [
  '1d',
  '2h30m',
  '-1d2h',
  '1ms',
  '0ms',
  '1d2h3m4s5ms',
  '90m',
  '-5s',
  '36h',
  '1000000d',
  '9223372036854775807ms',
  '-9223372036854775808ms',
  '1h30m',
  '24h',
  '-1ms',
  '1d0h',
];
const BAD_DURATIONS = [
  '1h1d',
  '',
  '1x',
  '9223372036854775808ms',
  '1.5h',
  'd',
  '-',
  '1d-2h',
  '1 d',
  '106751992d',
];

// ---- Cedar types of attributes -----------------------------------------------------------------

const SCALAR_KINDS =
    ['bool', 'long', 'string', 'entity', 'decimal', 'ipaddr', 'datetime', 'duration'];

function randomType(rnd, depth) {
  const kind = rnd.weighted([
    [3, 'bool'],
    [4, 'long'],
    [4, 'string'],
    [3, 'entity'],
    [depth > 0 ? 3 : 0, 'set'],
    [depth > 0 ? 2 : 0, 'record'],
    [1, 'decimal'],
    [1, 'ipaddr'],
    [1, 'datetime'],
    [1, 'duration'],
  ]);
  if (kind === 'set') return {kind, element: randomType(rnd, depth - 1)};
  if (kind === 'record') {
    const fields = {};
    for (const name of rnd.subset(ATTR_NAMES, 0.15).slice(0, 4))
      fields[name] = randomType(rnd, depth - 1);
    return {kind, fields};
  }
  return {kind};
}

// ---- Cedar text of literals --------------------------------------------------------------------

// A string literal body with a random mix of escape styles (all meaning the same characters).
function escapeText(rnd, s, {pattern = false} = {}) {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    const style = rnd.next();
    if (ch === '"')
      out += '\\"';
    else if (ch === '\\')
      out += '\\\\';
    else if (pattern && ch === '*')
      out += '\\*';
    else if (style < 0.08)
      out += `\\u{${code.toString(16)}}`;
    else if (style < 0.12 && code < 0x80)
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (ch === '\n')
      out += rnd.chance(0.5) ? '\\n' : '\n';
    else if (ch === '\t')
      out += rnd.chance(0.5) ? '\\t' : '\t';
    else if (ch === '\r')  // a raw carriage return in a literal is an error in Cedar
      out += rnd.chance(0.15) ? '\r' : '\\r';
    else if (code === 0)
      out += '\\0';
    else if (ch === '\'' && rnd.chance(0.5))
      out += '\\\'';
    else
      out += ch;
  }
  return out;
}

// Escapes that Cedar rejects, for the odd parse error.
const BAD_ESCAPES = ['\\q', '\\x80', '\\u{110000}', '\\u{d800}', '\\u{}', '\\x4', '\\u00e9'];

function stringLiteral(rnd, s) {
  if (rnd.chance(0.0005)) return `"${escapeText(rnd, s)}${rnd.pick(BAD_ESCAPES)}"`;
  return `"${escapeText(rnd, s)}"`;
}

function typeNameText(rnd, type) {
  // Whitespace around `::` is legal Cedar.
  return rnd.chance(0.03) ? type.split('::').join(' :: ') : type;
}

function entityLiteral(rnd, uid) {
  return `${typeNameText(rnd, uid.type)}::${stringLiteral(rnd, uid.id)}`;
}

function isIdentifier(name) { return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name); }

// Cedar's reserved words cannot follow `.` or `has`, nor be a bare record key; a node marked
// `rawReserved` prints them bare anyway, for the parse error.
const RESERVED =
    new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);

function printsBare(name, node) {
  return isIdentifier(name) && (!RESERVED.has(name) || node.rawReserved);
}

// A string literal with only the escapes it needs (for attribute names in ["..."] and has).
function quote(s) {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === '"' || ch === '\\')
      out += `\\${ch}`;
    else if (ch === '\n')
      out += '\\n';
    else if (ch === '\t')
      out += '\\t';
    else if (ch === '\r')
      out += '\\r';
    else if (code < 0x20 || code === 0x7f)
      out += `\\u{${code.toString(16)}}`;
    else
      out += ch;
  }
  return out + '"';
}

// ---- Expressions -------------------------------------------------------------------------------
//
// An expression node is {op, ...} and prints with the fewest parentheses its precedence needs,
// plus those marked `paren` at generation time. Precedences: 0 if-then-else, 1 ||, 2 &&,
// 3 relations (== != < <= > >= in has like is), 4 + -, 5 *, 6 unary, 7 member access/primary.

export function printExpr(node) { return printNode(node).text; }

function wrap(child, min) {
  const printed = printNode(child);
  if (printed.prec < min || child.paren) return `(${printed.text})`;
  return printed.text;
}

function printNode(n) {
  switch (n.op) {
    case 'lit':
      return {text: n.text, prec: n.text.startsWith('-') ? 6 : 7};
    case 'var':
      return {text: n.name, prec: 7};
    case 'ite':
      return {
        text: `if ${wrap(n.cond, 0)} then ${wrap(n.then, 0)} else ${wrap(n.else, 0)}`,
        prec: 0,
      };
    case '||':
      return {text: `${wrap(n.left, 1)} || ${wrap(n.right, 2)}`, prec: 1};
    case '&&':
      return {text: `${wrap(n.left, 2)} && ${wrap(n.right, 3)}`, prec: 2};
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'in':
      return {text: `${wrap(n.left, 4)} ${n.op} ${wrap(n.right, 4)}`, prec: 3};
    case 'has': {
      const path = n.path.map((p) => (printsBare(p, n) && !n.quoted ? p : quote(p)));
      return {text: `${wrap(n.left, 4)} has ${path.join('.')}`, prec: 3};
    }
    case 'like':
      return {text: `${wrap(n.left, 4)} like "${n.pattern}"`, prec: 3};
    case 'is':
      return {
        text: `${wrap(n.left, 4)} is ${n.type}` + (n.in ? ` in ${wrap(n.in, 4)}` : ''),
        prec: 3,
      };
    case '+':
    case '-':
      return {text: `${wrap(n.left, 4)} ${n.op} ${wrap(n.right, 5)}`, prec: 4};
    case '*':
      return {text: `${wrap(n.left, 5)} * ${wrap(n.right, 6)}`, prec: 5};
    case '!':
    case 'neg': {
      // Cedar allows a chain of at most four unary operators: parenthesize longer chains
      // unless the node asks to test the limit.
      // A chain repeats one operator: `!-x` does not parse.
      const sign = n.op === '!' ? '!' : '-';
      const inner = printNode(n.arg);
      const innerSign = inner.prec === 6 ? inner.sign ?? '-' : null;
      const chain = (innerSign === sign ? inner.chain ?? 1 : 0) + 1;
      let text;
      if (n.arg.paren || inner.prec < 6 || (innerSign && innerSign !== sign && !n.longChain) ||
          (chain > 4 && !n.longChain)) {
        text = `(${inner.text})`;
      } else {
        text = inner.text;
      }
      // A space between two minus signs ("- -1"), for the reader: both forms lex the same.
      return {
        text: `${sign}${sign === '-' && text.startsWith('-') ? ' ' : ''}${text}`,
        prec: 6,
        chain,
        sign
      };
    }
    case '.':
      return {
        text: n.bracket || !printsBare(n.attr, n) ? `${wrap(n.left, 7)}[${quote(n.attr)}]` :
                                                    `${wrap(n.left, 7)}.${n.attr}`,
        prec: 7,
      };
    case 'method':
      return {
        text: `${wrap(n.left, 7)}.${n.name}(${n.args.map((a) => wrap(a, 0)).join(', ')})`,
        prec: 7,
      };
    case 'call':
      return {text: `${n.name}(${n.args.map((a) => wrap(a, 0)).join(', ')})`, prec: 7};
    case 'set':
      return {text: `[${n.elements.map((a) => wrap(a, 0)).join(', ')}]`, prec: 7};
    case 'record':
      return {
        text: `{${
            n.fields
                .map(([k, v,
                       quoted]) => `${quoted || !printsBare(k, n) ? quote(k) : k}: ${wrap(v, 0)}`)
                .join(', ')}}`,
        prec: 7,
      };
    default:
      throw new Error(`unknown node ${n.op}`);
  }
}

// Children of a node, for shrinking: [key, node] pairs (array children keyed by index).
export function childrenOf(n) {
  const out = [];
  for (const key of ['cond', 'then', 'else', 'left', 'right', 'arg', 'in']) {
    if (n[key]) out.push([key, n[key]]);
  }
  for (const list of ['args', 'elements']) {
    if (!n[list]) continue;
    for (let i = 0; i < n[list].length; i++) out.push([`${list}.${i}`, n[list][i]]);
  }
  if (n.fields) {
    for (let i = 0; i < n.fields.length; i++) out.push([`fields.${i}`, n.fields[i][1]]);
  }
  return out;
}

// ---- Scenario ----------------------------------------------------------------------------------

class ScenarioBuilder {
  constructor(rnd) {
    this.rnd = rnd;
    const types = rnd.subset(ENTITY_TYPES, 0.3);
    while (types.length < 2) types.push(rnd.pick(ENTITY_TYPES));
    this.types = [...new Set(types)];
    this.actionType = rnd.pick(ACTION_TYPES);
    // Attribute names and their types, shared by every entity (with some deliberately wrong).
    this.attrs = {};
    for (const name of rnd.subset(ATTR_NAMES, 0.3)) this.attrs[name] = randomType(rnd, 2);
    this.contextAttrs = {};
    for (const name of rnd.subset(ATTR_NAMES, 0.2)) this.contextAttrs[name] = randomType(rnd, 2);
    this.tags = {};
    for (const name of rnd.subset(TAG_NAMES, 0.4)) this.tags[name] = randomType(rnd, 1);
    this.buildEntities();
  }

  buildEntities() {
    const rnd = this.rnd;
    this.uids = [];
    for (const type of this.types) {
      const n = rnd.range(1, 4);
      const ids = new Set();
      for (let i = 0; i < n; i++) ids.add(rnd.pick(ENTITY_IDS));
      for (const id of ids) this.uids.push({type, id});
    }
    this.actions = [];
    for (const id of rnd.subset(ACTION_IDS, 0.5)) this.actions.push({type: this.actionType, id});
    if (this.actions.length === 0) this.actions.push({type: this.actionType, id: 'view'});
    // Entities that requests and policies name but that are not in the entity list.
    this.ghosts = [
      {type: rnd.pick(this.types), id: 'ghost'},
      {type: rnd.pick(ENTITY_TYPES), id: rnd.pick(ENTITY_IDS)},
      {type: this.actionType, id: 'ghostAction'},
    ];
    // A few entities that requests name most often.
    this.popular = rnd.subset(this.uids, 0.25).slice(0, 3);
    if (this.popular.length === 0) this.popular.push(rnd.pick(this.uids));
    this.popularParents = [];
    this.entities = [];
    const all = [...this.uids];
    for (const uid of this.uids) {
      // Mostly a DAG (parents later in the list), now and then a back edge or a self loop.
      const later = all.slice(all.indexOf(uid) + 1);
      let parents = rnd.subset(later, 0.3);
      // Cedar rejects a hierarchy with a cycle: keep them rare.
      if (rnd.chance(0.004)) parents.push(rnd.pick(all));
      if (rnd.chance(0.05)) parents.push(rnd.pick(this.ghosts));
      parents = dedupeUids(parents);
      if (this.popular.includes(uid)) this.popularParents.push(...parents);
      const attrs = {};
      for (const [name, type] of Object.entries(this.attrs)) {
        if (rnd.chance(0.75)) attrs[name] = this.jsonValue(type, 2);
      }
      const entity = {uid: this.uidJson(uid), attrs, parents: parents.map((p) => this.uidJson(p))};
      if (Object.keys(this.tags).length && rnd.chance(0.5)) {
        entity.tags = {};
        for (const [name, type] of Object.entries(this.tags)) {
          if (rnd.chance(0.6)) entity.tags[name] = this.jsonValue(type, 1);
        }
      }
      this.entities.push(entity);
    }
    // Now and then an entity without `attrs` or `parents`, which Cedar requires.
    if (rnd.chance(0.005)) delete rnd.pick(this.entities)[rnd.pick(['attrs', 'parents'])];
    // Action groups: each action may be in later actions.
    for (const [i, uid] of this.actions.entries()) {
      if (!rnd.chance(0.8)) continue;  // some actions are not in the entity list at all
      const parents = rnd.subset(this.actions.slice(i + 1), 0.4);
      const attrs = rnd.chance(0.2) ? {level: this.rnd.pick(SAFE_LONGS)} : {};
      this.entities.push(
          {uid: this.uidJson(uid), attrs, parents: parents.map((p) => this.uidJson(p))});
    }
  }

  uidJson(uid) {
    return this.rnd.chance(0.3) ? {__entity: {type: uid.type, id: uid.id}} :
                                  {type: uid.type, id: uid.id};
  }

  anyUid() {
    return this.rnd.weighted([
      [8, () => this.rnd.pick(this.uids)],
      [2, () => this.rnd.pick(this.actions)],
      [1, () => this.rnd.pick(this.ghosts)],
    ])();
  }

  // ---- JSON values ----

  jsonValue(type, depth) {
    const rnd = this.rnd;
    // A value of another type now and then: the source of type errors at evaluation.
    if (rnd.chance(0.06)) type = randomType(rnd, Math.min(depth, 1));
    switch (type.kind) {
      case 'bool':
        return rnd.chance(0.5);
      case 'long':
        return rnd.chance(0.7) ? rnd.pick(SAFE_LONGS) : rnd.range(-20, 20);
      case 'string':
        return rnd.pick(STRINGS);
      case 'entity':
        // Without the __entity escape, {type, id} is a record to Cedar.
        return rnd.chance(0.05) ? {...this.anyUid()} : {__entity: {...this.anyUid()}};
      case 'set': {
        const n = rnd.range(0, 3);
        const out = [];
        for (let i = 0; i < n; i++) out.push(this.jsonValue(type.element, depth - 1));
        return out;
      }
      case 'record': {
        const out = {};
        for (const [name, t] of Object.entries(type.fields)) {
          if (rnd.chance(0.8)) out[name] = this.jsonValue(t, depth - 1);
        }
        return out;
      }
      case 'decimal':
        return this.extnJson('decimal', rnd.pick(DECIMALS));
      case 'ipaddr':
        return this.extnJson('ip', rnd.pick(IPS));
      case 'datetime':
        // Now and then a datetime built in JSON as offset(datetime, duration).
        if (rnd.chance(0.05)) {
          return {
            __extn: {
              fn: 'offset',
              args: [
                this.extnJson('datetime', rnd.pick(DATETIMES)),
                this.extnJson('duration', rnd.pick(DURATIONS))
              ]
            }
          };
        }
        return this.extnJson('datetime', rnd.pick(DATETIMES));
      case 'duration':
        return this.extnJson('duration', rnd.pick(DURATIONS));
    }
    throw new Error(`no value for ${type.kind}`);
  }

  // An extension value in JSON: {"__extn": {"fn", "arg"}}, or the {"fn", "args": [...]} form.
  extnJson(fn, arg) { return {__extn: this.rnd.chance(0.05) ? {fn, args: [arg]} : {fn, arg}}; }

  // ---- Expressions ----

  lit(text) { return {op: 'lit', text}; }

  // An attribute of the given type reachable from a variable or an entity: principal.age,
  // context.profile.name, resource.owner.manager, ...
  attrPath(want) {
    const rnd = this.rnd;
    const candidates = [];
    const visit = (base, fields, depth) => {
      for (const [name, type] of Object.entries(fields)) {
        const node = {
          op: '.',
          left: base,
          attr: name,
          bracket: rnd.chance(0.1),
          rawReserved: rnd.chance(0.002)
        };
        if (type.kind === want) candidates.push(node);
        if (type.kind === 'record' && depth < 2) visit(node, type.fields, depth + 1);
        if (type.kind === 'entity' && depth < 1) visit(node, this.attrs, depth + 1);
      }
    };
    visit(
        {op: 'var', name: rnd.pick(['principal', 'resource', 'principal', 'action'])}, this.attrs,
        0);
    visit({op: 'var', name: 'context'}, this.contextAttrs, 0);
    if (candidates.length === 0) return null;
    const access = rnd.pick(candidates);
    // Guard a third of the accesses, as careful policies do: `if e has a then e.a else ...`.
    if (rnd.chance(0.3)) {
      return {
        op: 'ite',
        cond: {op: 'has', left: structuredClone(access.left), path: [access.attr], quoted: false},
        then: access,
        else: this.genKind(want, 0),
      };
    }
    return access;
  }

  // Some attribute at all (type unknown to the caller), or a missing one.
  anyAttr() {
    const rnd = this.rnd;
    const base = rnd.pick([
      {op: 'var', name: 'principal'},
      {op: 'var', name: 'resource'},
      {op: 'var', name: 'context'},
    ]);
    const names = Object.keys(base.name === 'context' ? this.contextAttrs : this.attrs);
    const attr = names.length && rnd.chance(0.8) ? rnd.pick(names) : rnd.pick(ATTR_NAMES);
    return {op: '.', left: base, attr, bracket: rnd.chance(0.15)};
  }

  gen(kind, depth) {
    const rnd = this.rnd;
    if (rnd.chance(0.02)) kind = rnd.pick(SCALAR_KINDS.concat(['set', 'record']));
    const node = this.genKind(kind, depth);
    if (rnd.chance(0.04)) node.paren = true;
    return node;
  }

  genKind(kind, depth) {
    const rnd = this.rnd;
    const leaf = depth <= 0;
    const attrOr = (fallback) => () =>
        (this.literalsMostly && rnd.chance(0.85) ? null : this.attrPath(kind)) ?? fallback();
    const ite = () => ({
      op: 'ite',
      cond: this.gen('bool', depth - 1),
      then: this.gen(kind, depth - 1),
      else: this.gen(kind, depth - 1),
    });
    const getTag = () => ({
      op: 'method',
      name: 'getTag',
      left: this.gen('entity', depth - 1),
      args: [this.tagName(depth)]
    });
    const d = depth - 1;
    switch (kind) {
      case 'bool':
        return rnd.weighted([
          [2, () => this.lit(rnd.pick(['true', 'false']))],
          [4, attrOr(() => this.lit('true'))],
          [leaf ? 0 : 2, () => ({op: '!', arg: this.gen('bool', d), longChain: rnd.chance(0.02)})],
          [
            leaf ? 0 : 4,
            () => (
                {op: rnd.pick(['&&', '||']), left: this.gen('bool', d), right: this.gen('bool', d)})
          ],
          [
            leaf ? 0 : 4,
            () => {
              const k = rnd.weighted(
                  [[6, 'long'], [1, 'datetime'], [1, 'duration'], [1, 'decimal'], [1, 'string']]);
              return {
                op: rnd.pick(['<', '<=', '>', '>=']),
                left: this.gen(k, d),
                right: this.gen(k, d)
              };
            }
          ],
          [
            leaf ? 0 : 4,
            () => {
              const k = rnd.pick(SCALAR_KINDS.concat(['set', 'record']));
              const k2 = rnd.chance(0.8) ? k : rnd.pick(SCALAR_KINDS);
              return {op: rnd.pick(['==', '!=']), left: this.gen(k, d), right: this.gen(k2, d)};
            }
          ],
          [
            leaf ? 0 : 4, () => ({
                            op: 'in',
                            left: this.gen('entity', d),
                            right: rnd.chance(0.6) ? this.gen('entity', d) : this.entitySet(d),
                          })
          ],
          [leaf ? 0 : 4, () => this.hasExpr(d)],
          [leaf ? 0 : 2, () => this.likeExpr(d)],
          [
            leaf ? 0 : 3,
            () => {
              const node = {op: 'is', left: this.gen('entity', d), type: this.someType()};
              if (rnd.chance(0.3))
                node.in = rnd.chance(0.7) ? this.gen('entity', d) : this.entitySet(d);
              return node;
            }
          ],
          [leaf ? 0 : 4, () => this.setTest(d)],
          [
            leaf ? 0 : 1, () => ({
                            op: 'method',
                            name: 'hasTag',
                            left: this.gen('entity', d),
                            args: [this.tagName(depth)]
                          })
          ],
          [leaf ? 0 : 2, () => this.extTest(d)],
          [leaf ? 0 : 1, ite],
          [leaf ? 0 : 1, getTag],
        ])();
      case 'long':
        return rnd.weighted([
          [3, () => this.lit(this.longText())],
          [4, attrOr(() => this.lit('1'))],
          [
            leaf ? 0 : 4, () => ({
                            op: rnd.pick(['+', '-', '*']),
                            left: this.gen('long', d),
                            right: this.gen('long', d)
                          })
          ],
          [
            leaf ? 0 : 1, () => ({op: 'neg', arg: this.gen('long', d), longChain: rnd.chance(0.02)})
          ],
          [leaf ? 0 : 1, ite],
          [
            leaf ? 0 : 1,
            () => ({
              op: 'method',
              left: this.gen('duration', d),
              args: [],
              name: rnd.pick(['toMilliseconds', 'toSeconds', 'toMinutes', 'toHours', 'toDays']),
            })
          ],
          [leaf ? 0 : 1, getTag],
        ])();
      case 'string':
        return rnd.weighted([
          [4, () => this.lit(stringLiteral(rnd, rnd.pick(STRINGS)))],
          [4, attrOr(() => this.lit('"a"'))],
          [leaf ? 0 : 1, ite],
          [leaf ? 0 : 1, getTag],
        ])();
      case 'entity':
        return rnd.weighted([
          [5, () => ({op: 'var', name: rnd.pick(['principal', 'resource', 'action'])})],
          [3, () => this.lit(entityLiteral(rnd, this.anyUid()))],
          [3, attrOr(() => ({op: 'var', name: 'principal'}))],
          [leaf ? 0 : 1, ite],
        ])();
      case 'set':
        return rnd.weighted([
          [
            3,
            () => this.setLiteral(
                rnd.pick([
                  'long', 'string', 'entity', 'bool', 'decimal', 'ipaddr', 'datetime', 'record',
                  'set'
                ]),
                d)
          ],
          [3, attrOr(() => this.setLiteral('long', d))],
          [leaf ? 0 : 1, ite],
        ])();
      case 'record':
        return rnd.weighted([
          [3, () => this.recordLiteral(d)],
          [2, () => ({op: 'var', name: 'context'})],
          [3, attrOr(() => this.recordLiteral(d))],
          [leaf ? 0 : 1, ite],
        ])();
      case 'decimal':
        return rnd.weighted([
          [4, () => this.extCall('decimal', DECIMALS, BAD_DECIMALS, d)],
          [2, attrOr(() => this.extCall('decimal', DECIMALS, BAD_DECIMALS, d))],
          [leaf ? 0 : 1, ite],
        ])();
      case 'ipaddr':
        return rnd.weighted([
          [4, () => this.extCall('ip', IPS, BAD_IPS, d)],
          [2, attrOr(() => this.extCall('ip', IPS, BAD_IPS, d))],
          [leaf ? 0 : 1, ite],
        ])();
      case 'datetime':
        return rnd.weighted([
          [4, () => this.extCall('datetime', DATETIMES, BAD_DATETIMES, d)],
          [2, attrOr(() => this.extCall('datetime', DATETIMES, BAD_DATETIMES, d))],
          [
            leaf ? 0 : 1, () => ({
                            op: 'method',
                            name: 'offset',
                            left: this.gen('datetime', d),
                            args: [this.gen('duration', d)]
                          })
          ],
          [
            leaf ? 0 : 1,
            () => ({op: 'method', name: 'toDate', left: this.gen('datetime', d), args: []})
          ],
          [leaf ? 0 : 1, ite],
        ])();
      case 'duration':
        return rnd.weighted([
          [4, () => this.extCall('duration', DURATIONS, BAD_DURATIONS, d)],
          [2, attrOr(() => this.extCall('duration', DURATIONS, BAD_DURATIONS, d))],
          [
            leaf ? 0 : 1, () => ({
                            op: 'method',
                            name: 'durationSince',
                            left: this.gen('datetime', d),
                            args: [this.gen('datetime', d)]
                          })
          ],
          [
            leaf ? 0 : 1,
            () => ({op: 'method', name: 'toTime', left: this.gen('datetime', d), args: []})
          ],
          [leaf ? 0 : 1, ite],
        ])();
    }
    throw new Error(`cannot generate ${kind}`);
  }

  longText() {
    const rnd = this.rnd;
    return rnd.weighted([
      [6, () => String(rnd.range(-10, 100))], [3, () => String(rnd.pick(SAFE_LONGS))],
      [2, () => rnd.pick(TEXT_LONGS)],
      [0.05, () => '9223372036854775808'],  // out of range: a parse error
    ])();
  }

  someType() {
    const rnd = this.rnd;
    return rnd.weighted([
      [8, () => rnd.pick(this.popular).type],
      [3, () => rnd.pick(this.types)],
      [1, () => this.actionType],
      [1, () => rnd.pick(ENTITY_TYPES)],
    ])();
  }

  tagName(depth) {
    const rnd = this.rnd;
    const names = Object.keys(this.tags);
    if (depth > 1 && rnd.chance(0.15)) return this.gen('string', depth - 1);
    const name = names.length && rnd.chance(0.8) ? rnd.pick(names) : rnd.pick(TAG_NAMES);
    return this.lit(stringLiteral(rnd, name));
  }

  entitySet(depth) {
    const n = this.rnd.range(0, 3);
    const elements = [];
    for (let i = 0; i < n; i++) elements.push(this.gen('entity', depth - 1));
    return {op: 'set', elements};
  }

  setLiteral(kind, depth) {
    const n = this.rnd.range(0, 4);
    const elements = [];
    for (let i = 0; i < n; i++) elements.push(this.gen(kind, depth - 1));
    return {op: 'set', elements};
  }

  recordLiteral(depth) {
    const rnd = this.rnd;
    const fields = [];
    const names = new Set(rnd.subset(ATTR_NAMES, 0.1).slice(0, 3));
    // A duplicate key is a parse error in Cedar.
    for (const name of names) {
      fields.push([name, this.gen(rnd.pick(SCALAR_KINDS), depth - 1), rnd.chance(0.2)]);
    }
    if (names.size && rnd.chance(0.02)) fields.push([fields[0][0], this.lit('1'), true]);
    return {op: 'record', fields, rawReserved: rnd.chance(0.01)};
  }

  extCall(name, good, bad, depth) {
    const rnd = this.rnd;
    const arg = rnd.weighted([
      [12, () => this.lit(stringLiteral(rnd, rnd.pick(good)))],
      [1, () => this.lit(stringLiteral(rnd, rnd.pick(bad)))],
      [depth > 0 ? 1 : 0, () => this.gen('string', depth - 1)],
      [0.2, () => this.lit('1')],
    ])();
    return {op: 'call', name, args: [arg]};
  }

  hasExpr(depth) {
    const rnd = this.rnd;
    const base = rnd.chance(0.7) ? this.gen('entity', depth) : this.gen('record', depth);
    const known = Object.keys(rnd.chance(0.5) ? this.attrs : this.contextAttrs);
    const path = [known.length && rnd.chance(0.7) ? rnd.pick(known) : rnd.pick(ATTR_NAMES)];
    // `e has a.b.c` (Cedar 4.4+): only identifiers can be chained.
    while (rnd.chance(0.2) && path.length < 3) path.push(rnd.pick(ATTR_NAMES));
    if (path.length > 1 && !path.every((p) => isIdentifier(p) && !RESERVED.has(p)) &&
        rnd.chance(0.95))
      path.length = 1;
    return {
      op: 'has',
      left: base,
      path,
      quoted: path.length === 1 && rnd.chance(0.2),
      rawReserved: rnd.chance(0.005)
    };
  }

  likeExpr(depth) {
    const rnd = this.rnd;
    const source = rnd.pick(STRINGS);
    // A pattern built from a string: some runs replaced by *, some stars kept literal.
    let pattern = '';
    for (const ch of source) {
      const r = rnd.next();
      if (r < 0.2)
        pattern += '*';
      else if (r < 0.25)
        continue;
      else
        pattern += escapeText(rnd, ch, {pattern: true});
    }
    if (rnd.chance(0.3)) pattern = rnd.pick(['*', '', '**', 'a*', '*a*', '\\*', '*\\**']) + pattern;
    return {op: 'like', left: this.gen('string', depth), pattern};
  }

  setTest(depth) {
    const rnd = this.rnd;
    const kind = rnd.pick(['long', 'string', 'entity', 'bool']);
    const set = rnd.chance(0.5) ? this.setLiteral(kind, depth) :
                                  (this.attrPath('set') ?? this.setLiteral(kind, depth));
    return rnd.weighted([
      [3, () => ({op: 'method', name: 'contains', left: set, args: [this.gen(kind, depth)]})],
      [2, () => ({op: 'method', name: 'containsAll', left: set, args: [this.gen('set', depth)]})],
      [2, () => ({op: 'method', name: 'containsAny', left: set, args: [this.gen('set', depth)]})],
      [2, () => ({op: 'method', name: 'isEmpty', left: set, args: []})],
      [1, () => ({op: 'in', left: this.gen(kind, depth), right: set})],
    ])();
  }

  extTest(depth) {
    const rnd = this.rnd;
    return rnd.weighted([
      [
        3, () => ({
             op: 'method',
             name: rnd.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']),
             left: this.gen('decimal', depth),
             args: [this.gen('decimal', depth)],
           })
      ],
      [
        3, () => ({
             op: 'method',
             name: rnd.pick(['isIpv4', 'isIpv6', 'isLoopback', 'isMulticast']),
             left: this.gen('ipaddr', depth),
             args: [],
           })
      ],
      [
        3, () => ({
             op: 'method',
             name: 'isInRange',
             left: this.gen('ipaddr', depth),
             args: [this.gen('ipaddr', depth)]
           })
      ],
      // Rarely: calls Cedar does not have, or with the wrong number of arguments.
      [
        0.1, () => ({
               op: 'method',
               name: rnd.pick(['foo', 'isEmpty', 'contains']),
               left: this.gen('set', depth),
               args: [this.lit('1'), this.lit('2')]
             })
      ],
      [
        0.1, () => ({
               op: 'call',
               name: rnd.pick(['lessThan', 'unknownFn', 'isIpv4', 'decimal']),
               args: [this.gen('decimal', depth)]
             })
      ],
    ])();
  }

  // ---- Policies ----

  // Scopes favour the entities that requests favour, and their parents, so that about half
  // the scopes match: a policy whose scope never matches tests little.
  scopeEntity() {
    const rnd = this.rnd;
    return rnd.weighted([
      [6, () => rnd.pick(this.popular)],
      [this.popularParents.length ? 4 : 0, () => rnd.pick(this.popularParents)],
      [1, () => rnd.pick(this.uids)],
      [0.5, () => rnd.pick(this.ghosts)],
    ])();
  }

  principalOrResourceScope(variable, template = false) {
    const rnd = this.rnd;
    if (template && rnd.chance(0.7)) {
      return rnd.weighted([
        [3, () => `${variable} == ?${variable}`],
        [3, () => `${variable} in ?${variable}`],
        [1, () => `${variable} is ${this.someType()} in ?${variable}`],
        // A slot of the other variable: a parse error.
        [0.05, () => `${variable} == ?${variable === 'principal' ? 'resource' : 'principal'}`],
      ])();
    }
    return rnd.weighted([
      [6, () => variable],
      [3, () => `${variable} == ${entityLiteral(rnd, this.scopeEntity())}`],
      [3, () => `${variable} in ${entityLiteral(rnd, this.scopeEntity())}`],
      [2, () => `${variable} is ${this.someType()}`],
      [2, () => `${variable} is ${this.someType()} in ${entityLiteral(rnd, this.scopeEntity())}`],
      // Not valid in a scope: parse errors that both sides must report.
      [0.01, () => `${variable} in [${entityLiteral(rnd, this.scopeEntity())}]`],
      [0.01, () => `${variable} == ?${variable}`],
    ])();
  }

  actionScope() {
    const rnd = this.rnd;
    const ref = () => entityLiteral(
        rnd,
        rnd.weighted([[6, this.actions[0]], [3, rnd.pick(this.actions)], [0.5, this.ghosts[2]]]));
    return rnd.weighted([
      [6, () => 'action'],
      [3, () => `action == ${ref()}`],
      [2, () => `action in ${ref()}`],
      [
        3,
        () => {
          const refs = [];
          for (let i = rnd.range(0, 3); i > 0; i--) refs.push(ref());
          return `action in [${refs.join(', ')}]`;
        }
      ],
      [0.01, () => `action is ${this.actionType}`],
      [0.01, () => `action == ${entityLiteral(rnd, this.uids[0])}`],
    ])();
  }

  policy(template = false) {
    const rnd = this.rnd;
    const conditions = [];
    for (let n = rnd.weighted([[2, 0], [5, 1], [3, 2], [1, 3]]); n > 0; n--) {
      conditions.push({
        kind: rnd.chance(0.75) ? 'when' : 'unless',
        body: this.gen('bool', rnd.range(1, 4)),
        comment: rnd.chance(0.03),
      });
    }
    const annotations = [];
    if (rnd.chance(0.03)) annotations.push(`@id(${stringLiteral(rnd, rnd.pick(STRINGS))})`);
    if (rnd.chance(0.05)) annotations.push('@advice');
    if (rnd.chance(0.005)) annotations.push('@advice("twice")');  // a duplicate: a parse error
    return {
      annotations,
      effect: rnd.chance(0.7) ? 'permit' : 'forbid',
      principal: this.principalOrResourceScope('principal', template),
      action: this.actionScope(),
      resource: this.principalOrResourceScope('resource', template),
      conditions,
      comment: rnd.chance(0.05) ? '// a comment with "quotes" and ünï\n' : '',
    };
  }

  // A link of a template: its slots filled, now and then wrongly.
  link(template, n) {
    const rnd = this.rnd;
    const values = {};
    for (const slot of ['?principal', '?resource']) {
      const scope = template[slot.slice(1)];
      const used = scope.includes(slot);
      if ((used && !rnd.chance(0.02)) || (!used && rnd.chance(0.02))) {
        values[slot] = this.uidJson(this.scopeEntity());
      }
    }
    return {
      templateId: rnd.chance(0.02) ? 'missing' : template.id,
      newId: rnd.weighted(
          [[8, `link${n}`], [1, 'policy0'], [0.2, template.id], [1, rnd.pick(POLICY_IDS)]]),
      values,
    };
  }

  // ---- Requests ----

  request() {
    const rnd = this.rnd;
    const pickEntity = () => rnd.weighted(
        [[8, rnd.pick(this.popular)], [2, rnd.pick(this.uids)], [1, rnd.pick(this.ghosts)]]);
    const context = {};
    for (const [name, type] of Object.entries(this.contextAttrs)) {
      if (rnd.chance(0.85)) context[name] = this.jsonValue(type, 2);
    }
    return {
      principal: this.uidJson(pickEntity()),
      action: this.uidJson(rnd.weighted(
          [[12, this.actions[0]], [6, rnd.pick(this.actions)], [1, rnd.pick(this.ghosts)]])),
      resource: this.uidJson(pickEntity()),
      context,
    };
  }
}

function dedupeUids(uids) {
  const seen = new Set();
  return uids.filter((u) => {
    const key = JSON.stringify([u.type, u.id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function printPolicy(p) {
  const head = p.annotations.map((a) => `${a}\n`).join('') + p.comment;
  const body =
      p.conditions
          .map((c) => `\n  ${c.kind} { ${c.comment ? '// why\n    ' : ''}${printExpr(c.body)} }`)
          .join('');
  return `${head}${p.effect} (\n  ${p.principal},\n  ${p.action},\n  ${p.resource}\n)${body};`;
}

export function printPolicies(policies) { return policies.map(printPolicy).join('\n'); }

// Corruptions that make a whole call fail: each must fail in both engines.
const CALL_BREAKERS = [
  [
    'policy syntax',
    (call) => {
      const bad = 'permit(principal, action, resource) when { 1 + };';
      const p = call.policies;
      if (typeof p.staticPolicies === 'string')
        p.staticPolicies += `\n${bad}`;
      else if (Array.isArray(p.staticPolicies))
        p.staticPolicies.push(bad);
      else
        p.staticPolicies.broken = bad;
    }
  ],
  [
    'unknown extension in JSON',
    (call, rnd) => {
      call.context.broken = {__extn: {fn: rnd.pick(['nope', 'ipaddr']), arg: '1.2.3.4'}};
    }
  ],
  [
    'bad ip in JSON',
    (call, rnd) => {
      call.context.broken = {__extn: {fn: 'ip', arg: rnd.pick(BAD_IPS)}};
    }
  ],
  [
    'bad decimal in JSON',
    (call, rnd) => {
      call.context.broken = {__extn: {fn: 'decimal', arg: rnd.pick(BAD_DECIMALS)}};
    }
  ],
  [
    'bad datetime in JSON',
    (call, rnd) => {
      call.context.broken = {__extn: {fn: 'datetime', arg: rnd.pick(BAD_DATETIMES)}};
    }
  ],
  [
    'bad duration in JSON',
    (call, rnd) => {
      call.context.broken = {__extn: {fn: 'duration', arg: rnd.pick(BAD_DURATIONS)}};
    }
  ],
  [
    'null in context',
    (call) => {
      call.context.broken = null;
    }
  ],
  [
    'fractional number',
    (call) => {
      call.context.broken = 1.5;
    }
  ],
  [
    'context not a record',
    (call) => {
      call.context = [1, 2];
    }
  ],
  // Cedar accepts an exact duplicate and rejects one that differs.
  [
    'duplicate entity',
    (call, rnd) => {
      if (!call.entities.length) return void (call.context = 3);
      const copy = structuredClone(call.entities[0]);
      if (rnd.chance(0.5)) copy.attrs.__different = 1;
      call.entities.push(copy);
    }
  ],
  [
    'entity attrs not a record',
    (call) => {
      if (call.entities.length)
        call.entities[0].attrs = [1];
      else
        call.context = 3;
    }
  ],
  [
    'parent not an entity',
    (call) => {
      if (call.entities.length)
        call.entities[0].parents = ['x'];
      else
        call.context = 3;
    }
  ],
  [
    'bad type name in request',
    (call, rnd) => {
      call.principal = {type: rnd.pick(['1User', 'User::', '', 'a b', 'if']), id: 'x'};
    }
  ],
  [
    'missing context',
    (call) => {
      delete call.context;
    }
  ],
  [
    'null context',
    (call) => {
      call.context = null;
    }
  ],
  [
    'missing entities',
    (call) => {
      delete call.entities;
    }
  ],
  [
    'null entities',
    (call) => {
      call.entities = null;
    }
  ],
  [
    'escape with extra keys',
    (call, rnd) => {
      call.context.broken = rnd.pick([
        {__entity: {type: 'User', id: 'a'}, extra: 1},
        {__extn: {fn: 'ip', arg: '1.2.3.4'}, extra: 1},
        {__entity: {type: 'User', id: 'a', extra: 1}},
        {__extn: {fn: 'ip', arg: '1.2.3.4', extra: 1}},
        {__expr: 'ip("1.2.3.4")'},
      ]);
    }
  ],
  [
    'extension value as a uid',
    (call) => {
      call.resource = {__extn: {fn: 'ip', arg: '1.2.3.4'}};
    }
  ],
  [
    'entity as a parent record',
    (call) => {
      if (call.entities.length)
        call.entities[0].parents = [{type: 'User'}];
      else
        call.context = 3;
    }
  ],
];

// One scenario: a world, its policies, and requests with their calls' extras.
export function generateScenario(seed, index, {requests = 10} = {}) {
  const rnd = new Random(mixSeed(seed, index));
  const b = new ScenarioBuilder(rnd);
  const policies = [];
  // Half the scenarios only permit: then the reason lists every satisfied policy, so each
  // policy's outcome is visible in the answer rather than hidden behind a forbid.
  const onlyPermits = rnd.chance(0.5);
  // A quarter test expressions alone: permits for every request, conditions built mostly from
  // literals, so that their value rather than a missing attribute decides.
  const expressions = rnd.chance(0.25);
  b.literalsMostly = expressions;
  for (let n = rnd.range(1, 6); n > 0; n--) {
    const policy = b.policy();
    if (onlyPermits || expressions) policy.effect = 'permit';
    if (expressions) {
      Object.assign(policy, {principal: 'principal', action: 'action', resource: 'resource'});
      if (policy.conditions.length === 0)
        policy.conditions.push({kind: 'when', body: b.gen('bool', 3)});
    }
    policies.push(policy);
  }
  // How the call carries the policies: Cedar text (mostly), a map of chosen ids to text, the
  // same map with Cedar's JSON policy format mixed in, a list of one policy, or templates with
  // links. (A list of several is left out: cedar-wasm 4.13 names every text element policy0
  // and every JSON element "JSON policy", so it rejects most lists as duplicate ids.)
  let form = rnd.weighted([[14, 'text'], [2, 'ids'], [2, 'json'], [1, 'list'], [2, 'templates']]);
  if (form === 'list' && policies.length > 1) form = 'text';
  const links = [];
  if (form === 'ids' || form === 'json') {
    const ids = new Set();
    while (ids.size < policies.length)
      ids.add(rnd.pick(POLICY_IDS) + (rnd.chance(0.3) ? ids.size : ''));
    [...ids].forEach((id, i) => (policies[i].id = id));
    if (form === 'json')
      for (const p of policies) p.asJson = rnd.chance(0.7);
  } else if (form === 'templates') {
    for (let n = rnd.range(1, 2); n > 0; n--) {
      const template = b.policy(true);
      if (onlyPermits) template.effect = 'permit';
      template.template = true;
      template.id = rnd.pick(['t0', 'template', 'policy0', 'ünï']) + n;
      policies.push(template);
    }
    const templates = policies.filter((p) => p.template);
    for (let n = rnd.range(0, 3); n > 0; n--) links.push(b.link(rnd.pick(templates), n));
  }
  const reqs = [];
  for (let i = 0; i < requests; i++) {
    const request = b.request();
    // About one call in a hundred is broken on purpose.
    if (rnd.chance(0.01)) request.breaker = rnd.int(CALL_BREAKERS.length);
    request.breakerSeed = rnd.int(1 << 30);
    reqs.push(request);
  }
  // Rarely, no policies at all (every request is denied), or Windows line ends.
  if (form === 'text' && rnd.chance(0.01)) policies.length = 0;
  const crlf = form === 'text' && rnd.chance(0.03);
  return {seed, index, form, crlf, policies, links, entities: b.entities, requests: reqs};
}

// Cedar's JSON policy format of a policy, as the reference writes it; the text when the
// policy does not parse.
function policyJson(policy) {
  const text = printPolicy(policy);
  const answer = cedar.policyToJson(text);
  return answer.type === 'success' ? answer.json : text;
}

// Policy text with Windows line ends, except inside string literals (where a raw carriage
// return would change the string, and is an error in Cedar).
function withCrlf(text) {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString && ch === '\\') {
      out += ch + text[++i];
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch === '\n' && !inString ? '\r\n' : ch;
  }
  return out;
}

// The call's "policies" member in the scenario's form.
function policiesMember(scenario) {
  const statics = scenario.policies.filter((p) => !p.template);
  switch (scenario.form) {
    case 'ids':
    case 'json':
      return {
        staticPolicies: Object.fromEntries(
            statics.map((p) => [p.id, p.asJson ? policyJson(p) : printPolicy(p)]))
      };
    case 'list':
      return {staticPolicies: statics.map(printPolicy)};
    case 'templates':
      return {
        staticPolicies: printPolicies(statics),
        templates: Object.fromEntries(
            scenario.policies.filter((p) => p.template).map((p) => [p.id, printPolicy(p)])),
        templateLinks: structuredClone(scenario.links),
      };
    default: {
      const text = printPolicies(statics);
      // Windows line ends are whitespace too.
      return {staticPolicies: scenario.crlf ? withCrlf(text) : text};
    }
  }
}

// The cedar-wasm AuthorizationCall of one request of a scenario.
export function callOf(scenario, request) {
  const call = {
    principal: structuredClone(request.principal),
    action: structuredClone(request.action),
    resource: structuredClone(request.resource),
    context: structuredClone(request.context),
    policies: policiesMember(scenario),
    entities: structuredClone(scenario.entities),
  };
  if (request.breaker !== undefined) {
    CALL_BREAKERS[request.breaker][1](call, new Random(request.breakerSeed));
  }
  return call;
}

export function breakerName(request) {
  return request.breaker === undefined ? null : CALL_BREAKERS[request.breaker][0];
}

export function scenarioCalls(scenario) {
  return scenario.requests.map((r) => callOf(scenario, r));
}

// ---- Command line: print calls as JSON lines ---------------------------------------------------

function parseArgs(argv) {
  const args = {seed: 1, count: 10, start: 0};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in args)) throw new Error(`unknown option ${argv[i]}`);
    args[name] = Number(argv[++i]);
  }
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const perScenario = 10;
  let written = 0;
  for (let s = args.start; written < args.count; s++) {
    const scenario = generateScenario(args.seed, s, {requests: perScenario});
    for (const call of scenarioCalls(scenario)) {
      if (written++ >= args.count) break;
      process.stdout.write(JSON.stringify(call) + '\n');
    }
  }
}
