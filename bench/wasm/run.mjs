// One (engine, workload) measurement of the WebAssembly build, in its own Node process:
//
//   node bench/wasm/run.mjs --engine cordon|cedar-wasm --workload build/bench/workloads/rbac-100
//
// Both engines get the same calls: statefulIsAuthorized({principal, action, resource,
// context, preparsedPolicySetId, entities}) after preparsePolicySet(id, {staticPolicies}),
// with the entities passed on every call as cedar-wasm requires. Prints one JSON line on
// stdout (bench/README.md, "WASM"): p50/p99 per decision, peak RSS, the decisions' SHA-256
// and the engine's .wasm size. Measures only: nothing here asserts a timing.
//
// Options: --seconds S (timed budget, default 1), --max-samples N (default 200000),
// --batch B (calls per sample, default 16), --breakdown (cordon only: also one line with
// the object call, the same call on JSON text with and without its entities, and
// JSON.stringify of the call; these parts go round the requests in a fixed shuffled order
// and may stop mid-round).
import {createHash} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {loadavg} from 'node:os';
import {createRequire} from 'node:module';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');

function parseArgs(argv) {
  const options = {seconds: 1, maxSamples: 200000, batch: 16, breakdown: false};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--engine') options.engine = value();
    else if (arg === '--workload') options.workload = value();
    else if (arg === '--seconds') options.seconds = Number(value());
    else if (arg === '--max-samples') options.maxSamples = Number(value());
    else if (arg === '--batch') options.batch = Number(value());
    else if (arg === '--breakdown') options.breakdown = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!['cordon', 'cedar-wasm'].includes(options.engine)) {
    throw new Error('--engine must be cordon or cedar-wasm');
  }
  if (!options.workload) throw new Error('--workload DIR is required');
  if (!(options.seconds > 0) || !(options.maxSamples > 0) || !(options.batch >= 1)) {
    throw new Error('--seconds, --max-samples and --batch must be positive');
  }
  return options;
}

// The engine's three calls, its .wasm file and its version.
async function loadEngine(name) {
  if (name === 'cordon') {
    const dist = process.env.CORDON_WASM_DIST ?? join(REPO, 'wasm', 'dist');
    const api = await import(pathToFileURL(join(dist, 'cordon.mjs')).href);
    return {
      preparsePolicySet: api.preparsePolicySet,
      statefulIsAuthorized: api.statefulIsAuthorized,
      statefulIsAuthorizedJson: api.statefulIsAuthorizedJson,
      wasmFile: join(dist, 'cordon-core.wasm'),
      version: api.getCordonVersion(),
    };
  }
  // cedar-wasm's Node build is CommonJS and loads its module synchronously.
  const require = createRequire(join(HERE, 'package.json'));
  const api = require('@cedar-policy/cedar-wasm/nodejs');
  const entry = require.resolve('@cedar-policy/cedar-wasm/nodejs');
  return {
    preparsePolicySet: api.preparsePolicySet,
    statefulIsAuthorized: api.statefulIsAuthorized,
    wasmFile: join(dirname(entry), 'cedar_wasm_bg.wasm'),
    version: api.getCedarVersion(),
  };
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// The workload's sets, each with its policy text, entities and request objects.
function loadWorkload(folder) {
  const workload = readJson(join(folder, 'workload.json'));
  const sets = workload.sets.map((set) => ({
    policies: readFileSync(join(folder, set.policies), 'utf8'),
    entities: readJson(join(folder, set.entities)),
    requests: readJson(join(folder, set.requests)),
  }));
  return {name: workload.name, sets};
}

// One letter per request, as every runner writes it (bench/README.md): A allow, D deny,
// E no decision (the engine answered {type: "failure"}).
function decisionOf(answer) {
  if (answer && answer.type === 'success') return answer.response.decision === 'allow' ? 'A' : 'D';
  return 'E';
}

// 64-bit FNV-1a of the decision letters, as the native runners compute it.
function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

// A fixed pseudo-random order of calls (mulberry32, seed 1), for the --breakdown parts, which
// may end in the middle of a round: so they sample an unbiased part of the workload.
function shuffled(indices) {
  const order = indices.slice();
  let state = 1;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

// Nearest-rank percentile of sorted values.
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

// Samples of `batch` consecutive calls fn(calls[i]) each, going round `order` again and
// again: the mean nanoseconds per call of each sample. With wholeRounds (the method of every
// runner, bench/README.md) it stops at the end of the first round after which the time
// budget is spent or maxSamples are taken, so every request has as many samples; without,
// as soon as either is reached. Returns {sorted, rounds, cpuNsPerCall}: the process's CPU
// time over the timed calls per call, which a busy machine inflates less than wall time.
function measure(fn, calls, order, options, wholeRounds = true) {
  const budgetNs = BigInt(Math.round(options.seconds * 1e9));
  const batch = options.batch;
  const samples = [];
  let rounds = 0;
  let sink = 0;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = (roundCount) => {
    const cpu = process.cpuUsage(cpuStarted);  // microseconds of this process, all threads
    return {
      sorted: Float64Array.from(samples).sort(),
      rounds: roundCount,
      cpuNsPerCall: ((cpu.user + cpu.system) * 1000) / (samples.length * batch),
    };
  };
  for (;;) {
    for (const index of order) {
      const call = calls[index];
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < batch; k++) sink ^= fn(call) === undefined ? 1 : 0;
      const t1 = process.hrtime.bigint();
      samples.push(Number(t1 - t0) / batch);
      if (!wholeRounds && (samples.length >= options.maxSamples || t1 - started >= budgetNs)) {
        return result(rounds + 1);
      }
    }
    rounds++;
    if (samples.length >= options.maxSamples ||
        process.hrtime.bigint() - started >= budgetNs || order.length === 0) {
      break;
    }
  }
  if (sink === -1) console.error('unreachable');  // keeps the answers observable
  return result(rounds);
}

function statistics({sorted, rounds, cpuNsPerCall}) {
  if (sorted.length === 0) return {samples: 0, rounds, p50_ns: null, p99_ns: null, mean_ns: null};
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    samples: sorted.length,
    rounds,
    p50_ns: Math.round(percentile(sorted, 0.5)),
    p99_ns: Math.round(percentile(sorted, 0.99)),
    mean_ns: Math.round(sum / sorted.length),
    cpu_ns_per_call: Math.round(cpuNsPerCall),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const engine = await loadEngine(options.engine);
  const workload = loadWorkload(resolve(options.workload));

  // Prepare, untimed: one preparsed policy set per set, and every call object.
  const prepareStarted = process.hrtime.bigint();
  const calls = [];
  const prepareFailures = [];
  workload.sets.forEach((set, index) => {
    const id = `set${index}`;
    const parsed = engine.preparsePolicySet(id, {staticPolicies: set.policies});
    if (parsed.type !== 'success') {
      prepareFailures.push({set: index, errors: parsed.errors?.map((e) => e.message)});
    }
    for (const request of set.requests) {
      calls.push({
        principal: request.principal,
        action: request.action,
        resource: request.resource,
        context: request.context ?? {},
        preparsedPolicySetId: id,
        entities: set.entities,
      });
    }
  });
  const prepareMs = Number(process.hrtime.bigint() - prepareStarted) / 1e6;

  // Warm-up round, in request order: it also gives the decisions.
  const decisions = calls.map((call) => decisionOf(engine.statefulIsAuthorized(call))).join('');

  // Timed: every decided request (an undecided one, E, is not timed), in order.
  const timed = [];
  for (let i = 0; i < calls.length; i++) if (decisions[i] !== 'E') timed.push(i);
  const timing = measure(engine.statefulIsAuthorized, calls, timed, options);
  const peakRssKb = process.resourceUsage().maxRSS;
  const count = (letter) => decisions.split(letter).length - 1;
  const line = {
    build: 'wasm',
    engine: options.engine,
    call: 'statefulIsAuthorized',
    workload: workload.name,
    sets: workload.sets.length,
    requests: calls.length,
    timed_requests: timed.length,
    batch: options.batch,
    seconds: options.seconds,
    ...statistics(timing),
    peak_rss_kb: peakRssKb,
    peak_rss_kib: peakRssKb,
    allow: count('A'),
    deny: count('D'),
    not_built: count('E'),
    decisions_sha256: createHash('sha256').update(decisions).digest('hex'),
    decisions_fnv1a64: fnv1a64(decisions),
    decisions,
    prepare_ms: Math.round(prepareMs * 10) / 10,
    module_bytes: statSync(engine.wasmFile).size,
    module_file: engine.wasmFile,
    engine_version: engine.version,
    node: process.version,
    loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
  };
  if (prepareFailures.length) line.prepare_failures = prepareFailures.slice(0, 5);
  console.log(JSON.stringify(line));

  if (options.breakdown && options.engine === 'cordon') {
    console.log(JSON.stringify(breakdown(engine, workload.name, calls, shuffled(timed), options)));
  }
}

// Where a cordon call's time goes: the object call as timed (the wrapper writes the call's
// JSON text into wasm memory itself, the core decides, the wrapper builds the answer object
// from a compact answer), the same call on JSON text (statefulIsAuthorizedJson: the text
// into wasm memory, parsing the call and its entities, deciding, writing and decoding the
// JSON answer) and once more with "entities": [] to price the entities; and
// JSON.stringify(call), which a caller of the text API would pay on top.
function breakdown(engine, workloadName, calls, order, options) {
  const texts = calls.map((call) => JSON.stringify(call));
  const noEntities = calls.map((call) => JSON.stringify({...call, entities: []}));
  const part = (fn, inputs) => statistics(measure(fn, inputs, order, options, false));
  return {
    build: 'wasm',
    engine: 'cordon',
    workload: workloadName,
    breakdown: true,
    call_json_bytes_mean: Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length),
    object_call: part((call) => engine.statefulIsAuthorized(call), calls),
    text_call: part((text) => engine.statefulIsAuthorizedJson(text), texts),
    text_call_without_entities: part((text) => engine.statefulIsAuthorizedJson(text), noEntities),
    stringify: part((call) => JSON.stringify(call), calls),
  };
}

main().catch((error) => {
  console.error(`bench/wasm/run.mjs: ${error.stack ?? error}`);
  process.exit(1);
});
