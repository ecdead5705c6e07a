// The npm package in Cloudflare's runtime: runs examples/cloudflare-worker (its worker.mjs,
// origin.mjs and config.capnp, unchanged) in workerd from npm on a free loopback port, with
// the package files of the installed cordon-policy, and sends it real HTTP requests. Each
// answer must be the one the package gives in Node for the same request: the origin's
// body when allowed, otherwise the decision's status, with Location on a redirect.
import {loadBundle} from 'cordon-policy';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const REPO = process.env.CORDON_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(REPO, 'examples', 'cloudflare-worker');
const ELAYGENT = join(REPO, 'policies', 'elaygent');
const PUBLIC_KEY = readFileSync(join(REPO, 'policies', 'keys', 'elaygent.pub'), 'utf8').trim();
// The sessions behind the example's demo cookies (SESSIONS in worker.mjs).
const COOKIES = {pat: 'pat', dana: 'dana', sam: 'sam', opal: 'opal'};

// workerd's binary, from the repository's dev dependencies; a missing one fails the test.
const WORKERD = createRequire(join(REPO, 'package.json'))('workerd').default;
// The installed package's folder (wasm/dist/ when run from the repository itself).
const PACKAGE_DIST = dirname(createRequire(import.meta.url).resolve('cordon-policy'));
const {bundleFiles} = await import(pathToFileURL(join(REPO, 'examples', 'pack-bundle.mjs')).href);

const files = bundleFiles(ELAYGENT);
const loaded = loadBundle({files, options: {requireSignature: 'ed25519', verificationKey: PUBLIC_KEY}});
assert.equal(loaded.type, 'success', JSON.stringify(loaded));
const bundle = loaded.bundle;

const scratch = mkdtempSync(join(tmpdir(), 'cordon-workerd-'));
const running = [];
let origin;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the example in workerd with `bundle` as its packed bundle; answers its base URL. */
async function startWorker(name, bundle) {
  // The example's config embeds ../../wasm/dist/* and ./elaygent.bundle.json: recreate that
  // layout in a scratch folder, with wasm/dist linked to the installed package.
  const root = join(scratch, name);
  const worker = join(root, 'examples', 'cloudflare-worker');
  mkdirSync(worker, {recursive: true});
  mkdirSync(join(root, 'wasm'));
  symlinkSync(PACKAGE_DIST, join(root, 'wasm', 'dist'));
  for (const file of ['config.capnp', 'worker.mjs', 'origin.mjs']) {
    symlinkSync(join(EXAMPLE, file), join(worker, file));
  }
  writeFileSync(join(worker, 'elaygent.bundle.json'), JSON.stringify(bundle));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const workerd = spawn(WORKERD, ['serve', join(worker, 'config.capnp'), `--socket-addr=http=127.0.0.1:${port}`],
                        {stdio: ['ignore', 'pipe', 'pipe']});
  running.push(workerd);
  let output = '';
  workerd.stdout.on('data', (chunk) => { output += chunk; });
  workerd.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => {
    workerd.once('exit', resolve);
    workerd.once('error', (error) => resolve(error.message));  // e.g. the binary is missing
  });

  // Ready once it answers; fail if it exits or takes more than 30 s.
  const deadline = Date.now() + 30000;
  for (;;) {
    const status = await Promise.race([
      fetch(`${base}/api/does-not-exist`).then((response) => response.status, () => null),
      exited.then((code) => { throw new Error(`workerd exited (${code}):\n${output}`); }),
    ]);
    if (status !== null) return base;
    if (Date.now() > deadline) throw new Error(`workerd did not answer within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  origin = await startWorker('elaygent', files);
});

after(() => {
  for (const workerd of running) workerd.kill();
  rmSync(scratch, {recursive: true, force: true});
});

function send(method, path, {user, surface, headers = {}} = {}) {
  return fetch(`${origin}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(user ? {Cookie: `session=${COOKIES[user]}`} : {}),
      ...(surface ? {'X-Surface': surface} : {}),
      ...headers,
    },
  });
}

test('the worker answers each example route request as the package decides it in Node', async () => {
  const examples = files['examples/routes.jsonl'].trim().split('\n').map((line) => JSON.parse(line));
  let checked = 0;
  for (const request of examples) {
    // The worker knows the demo sessions and the browser surfaces only.
    if (!request.session || !(request.session.user in COOKIES)) continue;
    if (!['desktop', 'mobile'].includes(request.surface)) continue;
    const {decision} = bundle.route(request);
    const response = await send(request.method, request.path,
                                {user: request.session.user, surface: request.surface});
    const what = `${request.method} ${request.path} as ${request.session.user}`;
    const body = await response.text();
    if (decision.allow) {
      assert.equal(response.status, 200, what);
      const reached = JSON.parse(body);
      assert.equal(reached.origin, 'reached', what);
      assert.equal(reached.method, request.method, what);
      assert.equal(reached.path, request.path, what);
      assert.equal(reached.route, decision.route, what);
      assert.equal(reached.scrubProfile, decision.obligations.scrubProfile, what);
    } else {
      assert.equal(response.status, decision.status, `${what}: ${body}`);
      assert.equal(response.headers.get('Location'), decision.redirect, what);
      assert.ok(body.startsWith(`denied (${decision.status})`), `${what}: ${body}`);
    }
    checked += 1;
  }
  assert.ok(checked >= 8, `only ${checked} example requests were sent`);
});

test('403, redirect and pass-through, as the elaygent bundle says', async () => {
  const own = await send('GET', '/api/tenants/acme/dashboard', {user: 'pat', surface: 'mobile'});
  assert.equal(own.status, 200);
  assert.deepEqual(await own.json(), {
    origin: 'reached',
    method: 'GET',
    path: '/api/tenants/acme/dashboard',
    route: 'GET /api/tenants/:tenantId/dashboard',
    scrubProfile: 'dashboard',
  });

  const other = await send('GET', '/api/tenants/bright/dashboard', {user: 'pat'});
  assert.equal(other.status, 403);
  assert.equal(await other.text(), 'denied (403): tenant-scope-reasserted\n');

  const disabled = await send('GET', '/api/tenants/acme/calls', {user: 'sam'});
  assert.equal(disabled.status, 302);
  assert.equal(disabled.headers.get('Location'), '/login?reason=disabled');
  assert.match(disabled.headers.get('Set-Cookie'), /^session=; .*Max-Age=0/);
  await disabled.body?.cancel();

  const anonymous = await send('GET', '/api/tenants/acme/calls');
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
});

test('the client cannot forge the headers the worker adds for the origin', async () => {
  const response = await send('GET', '/api/tenants/acme/calls', {
    user: 'pat',
    headers: {'X-Cordon-Route': 'GET /forged', 'X-Cordon-Scrub-Profile': 'none'},
  });
  assert.equal(response.status, 200);
  const reached = await response.json();
  assert.equal(reached.route, 'GET /api/tenants/:tenantId/calls');
  assert.equal(reached.scrubProfile, 'dashboard');
});

test('a bundle that does not load answers 503 to every request: fail closed', async () => {
  const {'routes.json': _, ...incomplete} = files;
  const broken = await startWorker('incomplete', incomplete);
  for (const user of [undefined, 'pat', 'opal']) {
    const response = await fetch(`${broken}/api/tenants/acme/dashboard`,
                                 {headers: user ? {Cookie: `session=${user}`} : {}});
    assert.equal(response.status, 503);
    assert.equal(await response.text(), 'policy unavailable\n');
  }
});
