// The npm package in Vercel's edge runtime: examples/vercel-edge/middleware.js, evaluated
// with the installed cordon-policy in EdgeRuntime's sandbox (npm `edge-runtime`, which may
// not compile code or WebAssembly from bytes there) by the example's own runner, is called
// with Requests. Each answer must be the package's decision in Node for the same request:
// Vercel's pass-through (x-middleware-next) when allowed, otherwise the decision's status,
// with Location on a redirect.
import {loadBundle} from 'cordon-policy';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const REPO = process.env.CORDON_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const RUNNER = join(REPO, 'examples', 'vercel-edge', 'run-in-edge-runtime.mjs');
const PUBLIC_KEY = readFileSync(join(REPO, 'policies', 'keys', 'elaygent.pub'), 'utf8').trim();
const USERS = ['pat', 'dana', 'sam', 'opal'];  // the example's demo sessions

// edge-runtime from the repository's dev dependencies; a missing one fails the test.
createRequire(join(REPO, 'package.json')).resolve('edge-runtime');
const PACKAGE_DIST = dirname(createRequire(import.meta.url).resolve('cordon-policy'));
const {bundleFiles} = await import(pathToFileURL(join(REPO, 'examples', 'pack-bundle.mjs')).href);

const files = bundleFiles(join(REPO, 'policies', 'elaygent'));
const loaded = loadBundle({files, options: {requireSignature: 'ed25519', verificationKey: PUBLIC_KEY}});
assert.equal(loaded.type, 'success', JSON.stringify(loaded));
const bundle = loaded.bundle;

const scratch = mkdtempSync(join(tmpdir(), 'cordon-edge-runtime-'));
after(() => rmSync(scratch, {recursive: true, force: true}));
const bundleFile = join(scratch, 'elaygent.bundle.json');
writeFileSync(bundleFile, JSON.stringify(files));

/** The middleware's answers to `requests`, from one sandbox in a child Node process. */
function callMiddleware(requests, bundle = bundleFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath,
                        ['--experimental-vm-modules', '--no-warnings', RUNNER,
                         '--package', PACKAGE_DIST, '--bundle', bundle],
                        {stdio: ['pipe', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the edge runtime runner exited with ${code}:\n${stderr}`));
      const answers = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
      if (answers.length !== requests.length) {
        return reject(new Error(`${answers.length} answers to ${requests.length} requests:\n${stderr}`));
      }
      resolve(answers);
    });
    child.stdin.end(requests.map((request) => JSON.stringify(request)).join('\n') + '\n');
  });
}

function httpRequest(method, path, {user, surface, headers = {}} = {}) {
  return {
    method,
    path,
    headers: {
      ...(user ? {Cookie: `session=${user}`} : {}),
      ...(surface ? {'X-Surface': surface} : {}),
      ...headers,
    },
  };
}

test('the middleware answers each example route request as the package decides it in Node', async () => {
  const examples = files['examples/routes.jsonl'].trim().split('\n').map((line) => JSON.parse(line))
      .filter((request) => request.session && USERS.includes(request.session.user) &&
                  ['desktop', 'mobile'].includes(request.surface));
  assert.ok(examples.length >= 8, `only ${examples.length} example requests`);
  const answers = await callMiddleware(examples.map((request) => httpRequest(
      request.method, request.path, {user: request.session.user, surface: request.surface})));
  examples.forEach((request, index) => {
    const {decision} = bundle.route(request);
    const answer = answers[index];
    const what = `${request.method} ${request.path} as ${request.session.user}`;
    if (decision.allow) {
      assert.equal(answer.status, 200, what);
      assert.equal(answer.headers['x-middleware-next'], '1', what);
      assert.equal(answer.headers['x-middleware-request-x-cordon-route'], decision.route, what);
      assert.equal(answer.headers['x-middleware-request-x-cordon-scrub-profile'],
                   decision.obligations.scrubProfile ?? undefined, what);
    } else {
      assert.equal(answer.status, decision.status, `${what}: ${answer.body}`);
      assert.equal(answer.headers['x-middleware-next'], undefined, what);
      assert.equal(answer.headers.location, decision.redirect ?? undefined, what);
      assert.ok(answer.body.startsWith(`denied (${decision.status})`), `${what}: ${answer.body}`);
    }
  });
});

test('403, redirect and pass-through, and no forged headers reach the function', async () => {
  const [own, forged, other, disabled, anonymous] = await callMiddleware([
    httpRequest('GET', '/api/tenants/acme/dashboard', {user: 'pat', surface: 'mobile'}),
    httpRequest('GET', '/api/tenants/acme/calls',
                {user: 'pat', headers: {'X-Cordon-Route': 'GET /forged', 'X-Cordon-Scrub-Profile': 'none'}}),
    httpRequest('GET', '/api/tenants/bright/dashboard', {user: 'pat'}),
    httpRequest('GET', '/api/tenants/acme/calls', {user: 'sam'}),
    httpRequest('GET', '/api/tenants/acme/calls'),
  ]);
  assert.deepEqual(own, {
    status: 200,
    headers: {
      'x-middleware-next': '1',
      'x-middleware-override-headers': 'cookie,x-cordon-route,x-cordon-scrub-profile,x-surface',
      'x-middleware-request-cookie': 'session=pat',
      'x-middleware-request-x-cordon-route': 'GET /api/tenants/:tenantId/dashboard',
      'x-middleware-request-x-cordon-scrub-profile': 'dashboard',
      'x-middleware-request-x-surface': 'mobile',
    },
    body: '',
  });
  assert.equal(forged.headers['x-middleware-request-x-cordon-route'], 'GET /api/tenants/:tenantId/calls');
  assert.equal(forged.headers['x-middleware-request-x-cordon-scrub-profile'], 'dashboard');

  assert.equal(other.status, 403);
  assert.equal(other.body, 'denied (403): tenant-scope-reasserted\n');
  assert.equal(disabled.status, 302);
  assert.equal(disabled.headers.location, '/login?reason=disabled');
  assert.match(disabled.headers['set-cookie'], /^session=; .*Max-Age=0/);
  assert.equal(anonymous.status, 401);
});

test('a bundle that does not load answers 503 to every request: fail closed', async () => {
  const {'routes.json': _, ...incomplete} = files;
  const incompleteFile = join(scratch, 'incomplete.bundle.json');
  writeFileSync(incompleteFile, JSON.stringify(incomplete));
  const answers = await callMiddleware(
      [undefined, 'pat', 'opal'].map((user) => httpRequest('GET', '/api/tenants/acme/dashboard', {user})),
      incompleteFile);
  for (const answer of answers) {
    assert.equal(answer.status, 503);
    assert.equal(answer.body, 'policy unavailable\n');
    assert.equal(answer.headers['x-middleware-next'], undefined);
  }
});
