#!/usr/bin/env node
// Cold start of the npm package in each runtime: the time from importing cordon-policy to
// its first route decision on policies/elaygent, loaded as the edge examples load it (from
// JSON packed by examples/pack-bundle.mjs, its signature checked when packed), each run in a
// fresh process or isolate. Prints the median and
// the minimum per runtime, what the time went to, and the machine's load.
//
//   node bench/coldstart/run.mjs [--runs 7] [--package wasm/dist] [--node-flags '--liftoff-only']
//
// --node-flags: V8 or Node flags for the Node and edge-runtime children (not workerd), to see
// what a flag changes, e.g. --liftoff-only (no optimizing tier-up while the bundle loads).
//
// Node ESM / CJS: a fresh `node` per run; the import includes reading, compiling and
//   instantiating the .wasm (node-esm.mjs, node-cjs.cjs).
// workerd: a fresh workerd process per run (npm `workerd`); workerd compiles the .wasm when
//   it loads the worker, before any request, so the measure (inside the isolate, on the first
//   request) starts at the package's import; "ready" is workerd's start to its first answer.
// edge-runtime: a fresh EdgeRuntime sandbox in a fresh `node` per run; the .wasm is compiled
//   outside the sandbox first, as Vercel does for a `?module` import (reported apart).
// "phases" runs (node-phases.mjs) split a Node cold start into read, compile, instantiate,
// first load and route, and the same load and route again once the code is warm.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const RUNS = Number(flag('--runs', '7'));
const NODE_FLAGS = flag('--node-flags', '').split(' ').filter(Boolean);
const PACKAGE_DIR = resolve(flag('--package', join(REPO, 'wasm', 'dist')));
const REQUEST = {
  method: 'GET',
  path: '/api/tenants/acme/dashboard',
  surface: 'mobile',
  session: {user: 'pat', roles: ['staff'], tenant: 'acme', status: 'active'},
};
const WORKERD = createRequire(join(REPO, 'package.json'))('workerd').default;

const scratch = mkdtempSync(join(tmpdir(), 'cordon-coldstart-'));
const bundleFile = join(scratch, 'elaygent.bundle.json');
execFileSync(process.execPath, [join(REPO, 'examples', 'pack-bundle.mjs'), join(REPO, 'policies', 'elaygent'),
                                bundleFile, '--key', join(REPO, 'policies', 'keys', 'elaygent.pub')]);
const env = {...process.env, CORDON_COLDSTART_REQUEST: JSON.stringify(REQUEST)};

function node(args) {
  const child = spawnSync(process.execPath, [...NODE_FLAGS, ...args], {env, encoding: 'utf8'});
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

// The worker's folder: config.capnp names its modules by the paths of these links.
const workerDir = join(scratch, 'workerd');
mkdirSync(workerDir);
symlinkSync(PACKAGE_DIR, join(workerDir, 'dist'));
symlinkSync(join(HERE, 'workerd-worker.mjs'), join(workerDir, 'worker.mjs'));
symlinkSync(bundleFile, join(workerDir, 'elaygent.bundle.json'));
writeFileSync(join(workerDir, 'coldstart.json'), JSON.stringify({request: REQUEST}));
writeFileSync(join(workerDir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "coldstart", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "coldstart")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "cordon-policy", esModule = embed "dist/cordon.mjs"),
    (name = "cordon-core.mjs", esModule = embed "dist/cordon-core.mjs"),
    (name = "cordon-policy/cordon-core.wasm", wasm = embed "dist/cordon-core.wasm"),
    (name = "elaygent.bundle.json", json = embed "elaygent.bundle.json"),
    (name = "coldstart.json", json = embed "coldstart.json"),
  ],
  compatibilityDate = "2024-09-23",
);
`);

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => done(port));
    });
  });
}

async function workerd() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const start = performance.now();
  const child = spawn(WORKERD, ['serve', join(workerDir, 'config.capnp'), `--socket-addr=http=127.0.0.1:${port}`],
                      {stdio: ['ignore', 'ignore', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((done) => child.once('exit', done));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited:\n${stderr}`);
      if (performance.now() - start > 30000) throw new Error(`workerd did not answer:\n${stderr}`);
      const ok = await fetch(`${base}/ready`).then((response) => response.ok, () => false);
      if (ok) break;
      await new Promise((done) => setTimeout(done, 5));
    }
    const ready = performance.now() - start;
    const answer = await (await fetch(`${base}/coldstart`)).json();
    return {...answer, ready};
  } finally {
    child.kill();
    await exited;
  }
}

const RUNTIMES = {
  'node ESM': () => node([join(HERE, 'node-esm.mjs'), PACKAGE_DIR, bundleFile]),
  'node CJS': () => node([join(HERE, 'node-cjs.cjs'), PACKAGE_DIR, bundleFile]),
  'workerd': workerd,
  'edge-runtime': () => node(['--experimental-vm-modules', '--no-warnings',
                              join(HERE, 'edge-runtime.mjs'), PACKAGE_DIR, bundleFile]),
  'phases, async compile': () => node([join(HERE, 'node-phases.mjs'), PACKAGE_DIR, bundleFile]),
  'phases, sync compile': () => node([join(HERE, 'node-phases.mjs'), PACKAGE_DIR, bundleFile, 'sync']),
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => (value === undefined ? '' : value.toFixed(1));

const loadBefore = loadavg();
const results = Object.fromEntries(Object.keys(RUNTIMES).map((name) => [name, []]));
try {
  // Round robin, so that a busy moment of the machine falls on every runtime alike.
  for (let run = 0; run < RUNS; ++run) {
    for (const [name, once] of Object.entries(RUNTIMES)) {
      const result = await once();
      if (result.status !== undefined && result.status !== 200) {
        throw new Error(`${name}: the first decision was ${result.status}, not 200`);
      }
      results[name].push(result);
    }
  }
} finally {
  rmSync(scratch, {recursive: true, force: true});
}

const wasmBytes = readFileSync(join(PACKAGE_DIR, 'cordon-core.wasm')).length;
console.log(`cold start: import of cordon-policy to its first route decision on policies/elaygent,`);
console.log(`${RUNS} fresh processes or isolates per runtime; milliseconds`);
console.log(`package: ${PACKAGE_DIR} (cordon-core.wasm ${(wasmBytes / 1024).toFixed(0)} KiB); ` +
            `node ${process.versions.node}${NODE_FLAGS.length ? ` ${NODE_FLAGS.join(' ')}` : ''}; ` +
            `${availableParallelism()} CPUs; load average ` +
            `${loadBefore.map((x) => x.toFixed(1)).join(' ')} before, ` +
            `${loadavg().map((x) => x.toFixed(1)).join(' ')} after\n`);

const row = (cells, widths) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
const widths = [14, 7, 7, 7, 7, 6, 7, 6, 9];
console.log(row(['runtime', 'median', 'min', 'cpu', 'import', 'init', 'load', 'route', 'outside'], widths));
for (const name of ['node ESM', 'node CJS', 'workerd', 'edge-runtime']) {
  const runs = results[name];
  const part = (key) => (runs[0][key] === undefined ? undefined : median(runs.map((r) => r[key])));
  const outside = name === 'workerd' ? `ready ${ms(part('ready'))}` :
                  name === 'edge-runtime' ? `compile ${ms(part('compile'))}` : '';
  console.log(row([name, ms(median(runs.map((r) => r.total))), ms(Math.min(...runs.map((r) => r.total))),
                   ms(part('cpu')), ms(part('import')), ms(part('init')), ms(part('load')), ms(part('route')), outside],
                  widths));
}
console.log('\ncpu: median CPU time of the whole process (all threads) over the measure, which');
console.log('the machine\'s load changes less than wall time (not for workerd);');
console.log('import, init, load, route: medians of the parts (in Node, import includes init);');
console.log('outside the measure: workerd start to first answer (compiles the .wasm), or the');
console.log('compile done outside the edge sandbox.\n');

const phaseKeys = ['read', 'compile', 'instantiate', 'load', 'route', 'warmLoad', 'warmRoute'];
const phaseWidths = [22, ...phaseKeys.map((key) => Math.max(key.length, 6))];
console.log(row(['where Node spends it', ...phaseKeys], phaseWidths));
for (const name of ['phases, async compile', 'phases, sync compile']) {
  const runs = results[name];
  console.log(row([name, ...phaseKeys.map((key) => ms(median(runs.map((r) => r[key]))))], phaseWidths));
}
console.log('\n(medians; instantiate: importing the package once its .wasm is in V8\'s module cache;');
console.log('warmLoad, warmRoute: a second bundle load and route in the same process.)');
