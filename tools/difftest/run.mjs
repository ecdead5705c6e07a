// Differential test: cordon against the reference Cedar (@cedar-policy/cedar-wasm) on random
// scenarios from generate.mjs. Never part of the normal test run.
//
//   $ (cd tools/difftest && npm ci)
//   $ node tools/difftest/run.mjs --count 100000 --seed 1                  # native CLI
//   $ node tools/difftest/run.mjs --count 20000 --seed 7 --engine wasm     # npm package build
//   $ node tools/difftest/run.mjs --seed 1 --scenario 4711                 # replay one scenario
//
// For every call both engines answer; the answers are compared on what Cedar defines (success
// or failure of the whole call; decision, reason and errored policy ids, as sets), never on
// message text. Each difference is shrunk to a small call that still differs the same way,
// grouped by class and by the Cedar features left in the shrunk call, and written to
// build/difftest/differences.jsonl. Exit status: 0 when no difference is left unexplained.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';

import {KNOWN} from './explained.mjs';
import {breakerName, callOf, childrenOf, generateScenario, printPolicies} from './generate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

const USAGE = `usage: node tools/difftest/run.mjs [options]
  --count N          requests to compare (default 100000)
  --seed S           generator seed (default 1)
  --per-scenario K   requests per generated scenario (default 10)
  --scenario I       only scenario I (replay; --count is ignored)
  --engine E         engine under test: native (default) or wasm
  --cli PATH         the cordon CLI (default: build/native/native/cordon)
  --wasm PATH        the npm build's ES module (default: wasm/dist/cordon.mjs)
  --out FILE         differences, one JSON object a line (default: build/difftest/differences.jsonl)
  --shrink-limit N   shrink at most N differences (default 400)
  --shrink-per-class N  and at most N of each class (default 40)
  --chunk N          calls per batch sent to the CLI (default 2000)
  --accept-known-bugs  exit 0 when every difference has a known cause (see explained.mjs)
  --quiet            no progress lines`;

function parseArgs(argv) {
  const args = {
    count: 100000,
    seed: 1,
    perScenario: 10,
    scenario: null,
    engine: 'native',
    cli: path.join(REPO, 'build/native/native/cordon'),
    wasm: path.join(REPO, 'wasm/dist/cordon.mjs'),
    out: path.join(REPO, 'build/difftest/differences.jsonl'),
    shrinkLimit: 400,
    shrinkPerClass: 40,
    chunk: 2000,
    quiet: false,
    acceptKnownBugs: false,
  };
  const numeric = new Set(
      ['count', 'seed', 'perScenario', 'scenario', 'shrinkLimit', 'shrinkPerClass', 'chunk']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--quiet' || arg === '--accept-known-bugs') {
      args[arg === '--quiet' ? 'quiet' : 'acceptKnownBugs'] = true;
      continue;
    }
    const name = arg.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!arg.startsWith('--') || !(name in args) || i + 1 >= argv.length) {
      console.error(`run.mjs: bad argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
    const value = argv[++i];
    args[name] = numeric.has(name) ? Number(value) : value;
    if (numeric.has(name) && !Number.isInteger(args[name])) {
      console.error(`run.mjs: ${arg} needs an integer`);
      process.exit(2);
    }
  }
  if (!['native', 'wasm'].includes(args.engine)) {
    console.error('run.mjs: --engine is native or wasm');
    process.exit(2);
  }
  return args;
}

// ---- The reference --------------------------------------------------------------------------

function referenceAnswer(callText) {
  try {
    // cedar-wasm takes a JS object, as its users give it.
    return cedar.isAuthorized(JSON.parse(callText));
  } catch (error) {
    return {type: 'failure', errors: [{message: `threw: ${error.message}`}]};
  }
}

// ---- Engines under test ---------------------------------------------------------------------
//
// Each answers a batch of call texts with one entry per call: the parsed answer, or
// {crash: description} when the engine died or hung on that call.

class NativeEngine {
  constructor(cliPath) {
    if (!fs.existsSync(cliPath))
      throw new Error(`no cordon CLI at ${cliPath} (build it, or pass --cli)`);
    // A private copy, so that a rebuild of the build folder during the run cannot swap it.
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-difftest-'));
    this.cli = path.join(this.dir, 'cordon');
    fs.copyFileSync(cliPath, this.cli);
    fs.chmodSync(this.cli, 0o755);
    this.coprocess = null;
    this.name = `native CLI (${cliPath})`;
    // The copy goes even when the run stops on an error.
    process.on('exit', () => this.close());
  }

  // Starts the CLI on a file of calls; the answers land in another file, so the CLI works
  // while this process computes the reference's answers.
  startBatch(lines) {
    const input = path.join(this.dir, 'calls.jsonl');
    const output = path.join(this.dir, 'answers.jsonl');
    fs.writeFileSync(input, lines.join('\n') + '\n');
    const outFd = fs.openSync(output, 'w');
    const child =
        spawn(this.cli, ['authorize', '--input', input], {stdio: ['ignore', outFd, 'pipe']});
    fs.closeSync(outFd);
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d;
    });
    // A hung call is killed after a generous time per call.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000 + lines.length * 20);
    return new Promise((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({code, signal, stderr, text: fs.readFileSync(output, 'utf8')});
      });
    });
  }

  async answerBatch(lines) {
    const answers = [];
    while (answers.length < lines.length) {
      const rest = lines.slice(answers.length);
      const run = await this.startBatch(rest);
      const got = run.text.split('\n').filter((l) => l.length > 0);
      for (const line of got.slice(0, rest.length)) answers.push(parseAnswer(line));
      if (got.length >= rest.length) break;
      // The CLI stopped early: the first unanswered call crashed or hung it.
      const how = run.signal ?
          `killed by ${run.signal}${run.signal === 'SIGKILL' ? ' (hung)' : ''}` :
          `exit ${run.code}`;
      answers.push({crash: `${how}: ${run.stderr.trim().slice(0, 500)}`});
    }
    return answers;
  }

  // One call through a long-lived CLI (the CLI flushes each answer): used while shrinking.
  async answerOne(line) {
    if (!this.coprocess) {
      const child = spawn(this.cli, ['authorize'], {stdio: ['pipe', 'pipe', 'pipe']});
      const rl = readline.createInterface({input: child.stdout});
      const state = {child, waiting: null, stderr: ''};
      rl.on('line', (l) => {
        const w = state.waiting;
        state.waiting = null;
        if (w) w(parseAnswer(l));
      });
      child.stderr.on('data', (d) => {
        if (state.stderr.length < 4000) state.stderr += d;
      });
      child.on('close', (code, signal) => {
        this.coprocess = null;
        const w = state.waiting;
        state.waiting = null;
        if (w)
          w({
            crash: `${signal ? `killed by ${signal}` : `exit ${code}`}: ${
                state.stderr.trim().slice(0, 500)}`
          });
      });
      child.stdin.on('error', () => {});
      this.coprocess = state;
    }
    const state = this.coprocess;
    return new Promise((resolve) => {
      const timer = setTimeout(() => state.child.kill('SIGKILL'), 20000);
      state.waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      state.child.stdin.write(line.replace(/\n/g, ' ') + '\n');
    });
  }

  close() {
    if (this.coprocess) this.coprocess.child.kill();
    fs.rmSync(this.dir, {recursive: true, force: true});
  }
}

class WasmEngine {
  constructor(modulePath) {
    this.modulePath = modulePath;
    this.name = `npm build (${modulePath})`;
    this.generation = 0;
  }

  async load() {
    if (!fs.existsSync(this.modulePath))
      throw new Error(`no npm build at ${this.modulePath} (build it, or pass --wasm)`);
    // A fresh module instance after an abort: the query string defeats the module cache.
    const url =
        pathToFileURL(this.modulePath).href + (this.generation++ ? `?g=${this.generation}` : '');
    this.module = await import(url);
    await this.module.init();
  }

  async answerOne(line) {
    if (!this.module) await this.load();
    try {
      return parseAnswer(this.module.isAuthorizedJson(line));
    } catch (error) {
      this.module = null;
      return {crash: `threw: ${error.message}`};
    }
  }

  startBatch(lines) { return lines; }

  async answerBatch(lines) {
    const answers = [];
    for (const line of lines) answers.push(await this.answerOne(line));
    return answers;
  }

  close() {}
}

function parseAnswer(text) {
  try {
    return JSON.parse(text);
  } catch {
    return {crash: `unreadable answer: ${text.slice(0, 300)}`};
  }
}

// ---- Comparing ------------------------------------------------------------------------------

function summary(answer) {
  if (answer.crash) return {kind: 'crash', detail: answer.crash};
  if (answer.type === 'failure')
    return {kind: 'failure', message: answer.errors?.[0]?.message ?? ''};
  if (answer.type !== 'success') return {kind: 'crash', detail: `answer of type ${answer.type}`};
  const diagnostics = answer.response?.diagnostics;
  if (!Array.isArray(diagnostics?.reason) || !Array.isArray(diagnostics?.errors)) {
    return {kind: 'crash', detail: `malformed answer: ${JSON.stringify(answer).slice(0, 300)}`};
  }
  return {
    kind: 'success',
    decision: answer.response.decision,
    reason: [...new Set(diagnostics.reason)].sort(),
    errors: [...new Set(diagnostics.errors.map((e) => e.policyId))].sort(),
  };
}

// A failure message without its particulars, so that one cause gives one class.
function messageShape(message) {
  return message.replace(/`(?:[^`\\]|\\.)*`/g, 'X')
      .replace(/"(?:[^"\\]|\\.)*"/g, 'X')
      .replace(/\d+/g, 'N')
      .replace(/^N:N: /, '')
      .slice(0, 90);
}

function setDelta(ours, theirs) {
  const extra = ours.filter((x) => !theirs.includes(x));
  const missing = theirs.filter((x) => !ours.includes(x));
  if (!extra.length && !missing.length) return null;
  return extra.length && missing.length ? 'both' : extra.length ? 'extra' : 'missing';
}

// The class of a difference, or null when the answers agree. `ours` is cordon's.
function classify(ours, theirs) {
  if (ours.kind === 'crash') return `cordon crashed`;
  if (ours.kind !== theirs.kind) {
    return ours.kind === 'failure' ?
        `cordon fails the call (${messageShape(ours.message)}), Cedar answers it` :
        `Cedar fails the call (${messageShape(theirs.message)}), cordon answers it`;
  }
  if (ours.kind === 'failure') return null;
  const parts = [];
  if (ours.decision !== theirs.decision)
    parts.push(`decision ${ours.decision} (Cedar ${theirs.decision})`);
  const reason = setDelta(ours.reason, theirs.reason);
  if (reason) parts.push(`reason: cordon ${reason}`);
  const errors = setDelta(ours.errors, theirs.errors);
  if (errors) parts.push(`errors: cordon ${errors}`);
  return parts.length ? parts.join('; ') : null;
}

// ---- Shrinking ------------------------------------------------------------------------------
//
// A case is {policies, entities, request} as generate.mjs makes them. Smaller candidates are
// tried one at a time; one that still differs in the same class replaces the case.

function caseCall(c) { return callOf(c, c.request); }

function* smallerCases(c) {
  const clone = () => structuredClone(c);
  // Fewer policies, conditions, annotations; plainer scopes.
  for (let i = 0; i < c.policies.length; i++) {
    if (c.policies.length > 1) {
      const d = clone();
      d.policies.splice(i, 1);
      yield d;
    }
    const p = c.policies[i];
    for (let j = 0; j < p.conditions.length; j++) {
      const d = clone();
      d.policies[i].conditions.splice(j, 1);
      yield d;
    }
    for (const [key, plain] of [
             ['principal', 'principal'], ['action', 'action'], ['resource', 'resource']]) {
      if (p[key] !== plain) {
        const d = clone();
        d.policies[i][key] = plain;
        yield d;
      }
    }
    if (p.annotations.length || p.comment) {
      const d = clone();
      d.policies[i].annotations = [];
      d.policies[i].comment = '';
      yield d;
    }
    if (p.effect === 'forbid') {
      const d = clone();
      d.policies[i].effect = 'permit';
      yield d;
    }
  }
  // Smaller expressions: a node replaced by one of its children, or by a literal.
  for (let i = 0; i < c.policies.length; i++) {
    for (let j = 0; j < c.policies[i].conditions.length; j++) {
      for (const replacement of smallerExprs(c.policies[i].conditions[j].body)) {
        const d = clone();
        d.policies[i].conditions[j].body = replacement;
        yield d;
      }
    }
  }
  for (let i = 0; i < c.links.length; i++) {
    const d = clone();
    d.links.splice(i, 1);
    yield d;
  }
  if (c.form !== 'text' && c.policies.every((p) => !p.template)) {
    const d = clone();
    d.form = 'text';
    yield d;
  }
  // Fewer entities, attributes, parents, tags; a smaller context.
  for (let i = 0; i < c.entities.length; i++) {
    const d = clone();
    d.entities.splice(i, 1);
    yield d;
  }
  for (let i = 0; i < c.entities.length; i++) {
    const e = c.entities[i];
    if (e.parents?.length) {
      const d = clone();
      d.entities[i].parents = [];
      yield d;
    }
    if (e.tags) {
      const d = clone();
      delete d.entities[i].tags;
      yield d;
    }
    for (const name of Object.keys(e.attrs ?? {})) {
      const d = clone();
      delete d.entities[i].attrs[name];
      yield d;
    }
    for (const name of Object.keys(e.tags ?? {})) {
      const d = clone();
      delete d.entities[i].tags[name];
      yield d;
    }
    for (let k = 0; k < (e.parents?.length ?? 0); k++) {
      const d = clone();
      d.entities[i].parents.splice(k, 1);
      yield d;
    }
  }
  for (const name of Object.keys(c.request.context)) {
    const d = clone();
    delete d.request.context[name];
    yield d;
  }
}

// Replacements for an expression tree, each one step smaller, outermost first.
function* smallerExprs(node) {
  for (const [, child] of childrenOf(node)) yield child;
  if (!(node.op === 'lit' && (node.text === 'true' || node.text === '1'))) {
    yield {op: 'lit', text: 'true'};
  }
  if (node.elements?.length) {
    for (let i = 0; i < node.elements.length; i++) {
      const d = structuredClone(node);
      d.elements.splice(i, 1);
      yield d;
    }
  }
  if (node.fields?.length) {
    for (let i = 0; i < node.fields.length; i++) {
      const d = structuredClone(node);
      d.fields.splice(i, 1);
      yield d;
    }
  }
  if (node.paren) yield {...node, paren: false};
  for (const [key, child] of childrenOf(node)) {
    for (const smaller of smallerExprs(child)) {
      const d = structuredClone(node);
      setChild(d, key, smaller);
      yield d;
    }
  }
}

function setChild(node, key, value) {
  const [list, index] = key.split('.');
  if (index === undefined)
    node[key] = value;
  else if (list === 'fields')
    node.fields[Number(index)][1] = value;
  else
    node[list][Number(index)] = value;
}

async function compareOne(engine, call) {
  const text = JSON.stringify(call);
  const ours = summary(await engine.answerOne(text));
  const theirsAnswer = referenceAnswer(text);
  const theirs = summary(theirsAnswer);
  return {ours, theirs, cls: classify(ours, theirs)};
}

// The known cause of a difference, if one accounts for it (see explained.mjs).
// When no single cause accounts for it, the causes found by counterfactual may together:
// the call without all their triggers must then agree.
async function knownCause(engine, diff) {
  const applicable = [];
  let withoutAll = diff.call;
  for (const cause of KNOWN) {
    if (cause.matches?.(diff)) return cause;
    const without = cause.recheck?.(diff.call);
    if (!without) continue;
    if (!(await compareOne(engine, without)).cls) return cause;
    applicable.push(cause);
    withoutAll = cause.recheck(withoutAll) ?? withoutAll;
  }
  if (applicable.length < 2 || (await compareOne(engine, withoutAll)).cls) return null;
  return {
    name: applicable.map((c) => c.name).join(' + '),
    kind: 'cordon bug',
    why: 'several known causes at once',
  };
}

async function shrink(engine, c, cls, cause = null, budget = 3000) {
  let current = c;
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    // Listed before the loop: an await inside a for-of over a generator crashed Node 20's
    // optimizer (V8 "unreachable code" during a lazy deoptimization).
    const candidates = [...smallerCases(current)];
    for (const candidate of candidates) {
      if (--budget <= 0) break;
      const call = caseCall(candidate);
      const result = await compareOne(engine, call);
      if (result.cls === cls &&
          (!cause || (await knownCause(engine, {cls, call, ...result}))?.name === cause.name)) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return current;
}

// The Cedar features left in a shrunk case: what groups differences by cause.
function features(c) {
  const out = new Set();
  const visit = (n) => {
    if (n.op === 'method' || n.op === 'call')
      out.add(`${n.name}()`);
    else if (n.op === 'lit')
      out.add(
          /^-?\d/.test(n.text)       ? 'long' :
              n.text.startsWith('"') ? 'string' :
              /::/.test(n.text)      ? 'entity' :
                                       n.text);
    else
      out.add(n.op);
    for (const [, child] of childrenOf(n)) visit(child);
  };
  for (const p of c.policies) {
    for (const key of ['principal', 'action', 'resource']) {
      const scope =
          p[key]
              .replace(/::"(?:[^"\\]|\\.)*"/g, '')
              .replace(
                  /[A-Za-z_][\w]*(?: ?:: ?[A-Za-z_]\w*)*/g,
                  (w) => (['principal', 'action', 'resource', 'in', 'is'].includes(w) ? w : 'T'));
      if (scope !== key) out.add(`scope ${scope}`);
    }
    if (p.effect === 'forbid') out.add('forbid');
    for (const cond of p.conditions) {
      if (cond.kind === 'unless') out.add('unless');
      visit(cond.body);
    }
  }
  if (c.request.breaker !== undefined) out.add(`broken: ${breakerName(c.request)}`);
  if (c.form !== 'text') out.add(`form ${c.form}`);
  if (c.crlf) out.add('CRLF');
  if (c.links.length) out.add('links');
  if (c.entities.length) out.add('entities');
  if (c.entities.some((e) => e.parents?.length)) out.add('parents');
  if (c.entities.some((e) => !e.parents || !e.attrs)) out.add('entity without attrs or parents');
  if (c.entities.some((e) => e.tags)) out.add('tags');
  if (Object.keys(c.request.context).length) out.add('context');
  return [...out].sort();
}

// ---- Main -----------------------------------------------------------------------------------

function progress(args, text) {
  if (!args.quiet) process.stderr.write(text);
}

// Node 20's optimizer (V8 11.3) aborts with "Fatal error ... unreachable code" during a lazy
// deoptimization in the shrinking loop; without TurboFan inlining it does not. Run again with
// that flag rather than depend on which functions happen to get hot.
function rerunWithSafeFlags() {
  if (process.execArgv.includes('--no-turbo-inlining')) return false;
  const child = spawnSync(
      process.execPath, ['--no-turbo-inlining', ...process.execArgv, ...process.argv.slice(1)], {
        stdio: 'inherit',
      });
  process.exitCode = child.status ?? 2;
  return true;
}

async function main() {
  if (rerunWithSafeFlags()) return;
  const args = parseArgs(process.argv.slice(2));
  const engine = args.engine === 'native' ? new NativeEngine(args.cli) : new WasmEngine(args.wasm);
  if (engine.load) await engine.load();
  fs.mkdirSync(path.dirname(args.out), {recursive: true});
  const out = fs.openSync(args.out, 'w');

  const started = Date.now();
  const stats = {
    compared: 0,
    identical: 0,
    allow: 0,
    deny: 0,
    failures: 0,
    withErrors: 0,
    broken: 0,
  };
  const groups = new Map();  // class | features -> {count, example}
  let shrunk = 0;
  let knownBugs = 0;
  let quirks = 0;
  let deliberate = 0;
  const shrunkPerClass = new Map();
  let unexplained = 0;

  // Scenarios, in batches of about args.chunk calls.
  const scenarioIndices = args.scenario !== null ? [args.scenario] : null;
  let nextScenario = 0;
  const total = scenarioIndices ? args.perScenario : args.count;
  while (stats.compared < total) {
    const batch = [];  // {scenarioIndex, requestIndex, scenario, request, text}
    while (batch.length < args.chunk && stats.compared + batch.length < total) {
      const index = scenarioIndices ? scenarioIndices[0] : nextScenario++;
      const scenario = generateScenario(args.seed, index, {requests: args.perScenario});
      for (const [r, request] of scenario.requests.entries()) {
        if (stats.compared + batch.length >= total) break;
        batch.push({
          scenarioIndex: index,
          requestIndex: r,
          scenario,
          request,
          text: JSON.stringify(callOf(scenario, request))
        });
      }
      if (scenarioIndices) break;
    }
    const lines = batch.map((b) => b.text);
    const pending = engine.answerBatch(lines);  // the CLI runs while the reference answers
    // A plain loop: V8 12 (Node 20) aborts with "unreachable code" when a wasm exception
    // deoptimizes a hot Array.prototype.map callback.
    const theirs = [];
    for (const line of lines) theirs.push(summary(referenceAnswer(line)));
    const ours = (await pending).map(summary);

    for (let i = 0; i < batch.length; i++) {
      stats.compared++;
      const t = theirs[i];
      if (t.kind === 'failure')
        stats.failures++;
      else if (t.kind === 'success') {
        stats[t.decision]++;
        if (t.errors.length) stats.withErrors++;
      }
      if (batch[i].request.breaker !== undefined) stats.broken++;
      const cls = classify(ours[i], t);
      if (!cls) {
        stats.identical++;
        continue;
      }
      const b = batch[i];
      const {form, crlf, policies, links, entities} = b.scenario;
      const original = {form, crlf, policies, links, entities, request: b.request};
      const call = JSON.parse(b.text);
      const cause = await knownCause(engine, {cls, call, ours: ours[i], theirs: t});

      // Shrink a few of each class (and of each known cause), so that one frequent class
      // cannot use up the budget. A known cause's repro must keep that cause.
      let small = original;
      const shrinkKey = cause ? `known: ${cause.name}` : cls;
      const shrunkOfKey = shrunkPerClass.get(shrinkKey) ?? 0;
      const limit = cause ? 2 : args.shrinkPerClass;
      if (shrunk < args.shrinkLimit && shrunkOfKey < limit &&
          !(ours[i].kind === 'crash' && ours[i].detail.includes('hung'))) {
        shrunk++;
        shrunkPerClass.set(shrinkKey, shrunkOfKey + 1);
        small = await shrink(engine, original, cls, cause);
      }
      const smallCall = caseCall(small);
      const smallResult =
          small === original ? {ours: ours[i], theirs: t} : await compareOne(engine, smallCall);
      const key = cause ?
          `${cause.kind}: ${cause.name}` :
          `${cls} | ${small === original ? '(not shrunk)' : features(small).join(' ')}`;
      const record = {
        seed: args.seed,
        scenario: b.scenarioIndex,
        request: b.requestIndex,
        class: cls,
        cause: cause ? `${cause.kind}: ${cause.name}` : null,
        group: key,
        cordon: ours[i],
        cedar: t,
        call,
        shrunk: small === original ? null : {
          policies: printPolicies(small.policies),
          links: small.links,
          call: smallCall,
          cordon: smallResult.ours,
          cedar: smallResult.theirs,
        },
      };
      fs.writeSync(out, JSON.stringify(record) + '\n');
      if (cause?.kind === 'reference quirk')
        quirks++;
      else if (cause?.kind === 'deliberate')
        deliberate++;
      else if (cause)
        knownBugs++;
      else
        unexplained++;
      // Each group keeps its smallest example, preferring shrunk ones.
      const group = groups.get(key);
      const size = record.shrunk ? JSON.stringify(smallCall).length : Infinity;
      if (!group)
        groups.set(key, {count: 1, record, size, cause});
      else {
        group.count++;
        if (size < group.size) Object.assign(group, {record, size});
      }
    }
    const seconds = (Date.now() - started) / 1000;
    progress(
        args,
        `\r${stats.compared} compared, ${stats.compared - stats.identical} different, ${
            seconds.toFixed(0)} s `);
  }
  progress(args, '\n');
  engine.close();
  fs.closeSync(out);

  const pct = (n) => `${((100 * n) / Math.max(stats.compared, 1)).toFixed(1)}%`;
  console.log(`cordon difftest: seed ${args.seed}, engine ${
      engine.name}, reference @cedar-policy/cedar-wasm ${cedar.getCedarVersion()}`);
  console.log(
      `  reference answers: allow ${pct(stats.allow)}, deny ${
          pct(stats.deny)}, whole-call failure ${pct(stats.failures)} ` +
      `(deliberately broken calls ${pct(stats.broken)}), with policy errors ${
          pct(stats.withErrors)}`);
  console.log(
      `${stats.compared} compared, ${stats.identical} identical, ${
          stats.compared - stats.identical} different: ` +
      `${knownBugs} from known cordon bugs, ${quirks} from reference quirks, ${
          deliberate} where cordon is deliberately stricter, ${
          unexplained} unexplained`);
  // Known causes first, then unexplained groups, each by count.
  const sorted = [...groups.entries()].sort(
      (a, b) => (!!b[1].cause - !!a[1].cause) || b[1].count - a[1].count);
  for (const [key, group] of sorted) {
    const r = group.record;
    console.log(`\n${group.count} x ${key}`);
    if (group.cause) console.log(`  ${group.cause.why}`);
    console.log(`  first seen: --seed ${r.seed} --scenario ${r.scenario} (request ${r.request})`);
    const example = r.shrunk ?? {call: r.call, cordon: r.cordon, cedar: r.cedar};
    console.log(`  cordon: ${JSON.stringify(example.cordon)}`);
    console.log(`  cedar:  ${JSON.stringify(example.cedar)}`);
    const {policies, ...rest} = example.call;
    if (typeof policies.staticPolicies === 'string' && !policies.templates) {
      console.log(`  policies:\n${policies.staticPolicies.replace(/^/gm, '    ')}`);
    } else {
      console.log(`  policies: ${JSON.stringify(policies)}`);
    }
    console.log(`  call (without policies): ${JSON.stringify(rest)}`);
  }
  if (stats.compared !== stats.identical) console.log(`\ndifferences written to ${args.out}`);
  const failed = unexplained + (args.acceptKnownBugs ? 0 : knownBugs);
  console.log(`${stats.identical + quirks + deliberate + (args.acceptKnownBugs ? knownBugs : 0)} passed, ${
      failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(2);
});
