// The browser preview (wasm/preview/) in Chromium through Playwright, used as a policy author
// would: edit a policy and see the decision change, break one and see the error at its line
// and column, load the elaygent bundle and decide routes, scrub payloads, read the access
// matrix, and keep deciding once the browser is offline. The page is served by a static file
// server started here (node:http, the repository root), as `python3 -m http.server` would.
// Screenshots go to $CORDON_TEST_OUTPUT/cordon-preview-screens/ (else the temporary folder).
//
// Needs Debian's Chromium (/usr/bin/chromium) and playwright-core (a devDependency at the
// repository root); without them the test fails rather than skips.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {extname, join, normalize, resolve, sep} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const REPO = resolve(process.env.CORDON_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url)));
const SCREENS = join(process.env.CORDON_TEST_OUTPUT ?? tmpdir(), 'cordon-preview-screens');
const CHROMIUM = '/usr/bin/chromium';
const ELAYGENT = join(REPO, 'policies', 'elaygent');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
};

// A static file server over the repository root, like `python3 -m http.server`.
function startServer() {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    let path = normalize(join(REPO, decodeURIComponent(url.pathname)));
    if (path !== REPO && !path.startsWith(REPO + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      const body = readFileSync(path);
      response.writeHead(200, {'Content-Type': TYPES[extname(path)] ?? 'text/plain; charset=utf-8'});
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

let server;
let userDataDir;
let context;
let page;
let origin;
const requests = [];  // every URL the page asked for
const failed = [];    // requests that failed
const consoleErrors = [];

before(async () => {
  const {chromium} = createRequire(join(REPO, 'package.json'))('playwright-core');
  mkdirSync(SCREENS, {recursive: true});
  console.log(`# screenshots: ${SCREENS}`);
  server = await startServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'cordon-preview-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: {width: 1280, height: 900},
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) => failed.push(request.url()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${origin}/wasm/preview/`);
  await page.waitForSelector('body[data-ready=true]', {timeout: 60000});
});

after(async () => {
  await context?.close();
  await new Promise((done) => server ? server.close(done) : done());
  if (userDataDir) rmSync(userDataDir, {recursive: true, force: true});
});

async function screenshot(name) {
  await page.screenshot({path: join(SCREENS, `${name}.png`), fullPage: true});
}

async function tab(name) {
  await page.click(`#tab-${name}`);
}

// Line and column (1-based, in code points) of an offset, as the engine counts them.
function lineColumn(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return {line: before.length, column: [...before[before.length - 1]].length + 1};
}

const ENTITIES_EXAMPLE = JSON.stringify([
  {uid: {type: 'User', id: 'dana'}, attrs: {tenant: 'clinic-7', suspended: false},
   parents: [{type: 'Role', id: 'staff'}]},
  {uid: {type: 'Role', id: 'staff'}, attrs: {}, parents: []},
  {uid: {type: 'Appointment', id: 'a-19'}, attrs: {tenant: 'clinic-7'}, parents: []},
], null, 2);

test('the page loads everything from its own server and decides the starting request', async () => {
  assert.ok(requests.length > 0);
  for (const url of requests) assert.ok(url.startsWith(`${origin}/`), `a request left the server: ${url}`);
  assert.ok(requests.some((url) => url.endsWith('/wasm/dist/cordon-core.wasm')), requests.join('\n'));
  assert.ok(requests.some((url) => url.endsWith('/wasm/dist/cordon.mjs')));
  assert.ok(requests.some((url) => url.endsWith('/policies/elaygent/bundle.json')));
  assert.deepEqual(failed, []);
  assert.match(await page.textContent('#status'), /^cordon \d+\.\d+\.\d+ \(WebAssembly\) loaded/);
  assert.equal(await page.textContent('#decision'), 'ALLOW');
  assert.match(await page.textContent('#cedar-details'), /policy0 @id\("staff-read-own-tenant"\)/);
  await screenshot('01-cedar-allow');
});

test('editing a policy changes the decision from allow to deny, naming the forbid', async () => {
  await tab('cedar');
  const policies = await page.inputValue('#policies-text');
  await page.fill('#policies-text', `${policies}

@id("appointments-read-only-on-weekdays")
forbid (principal, action == Action::"read", resource is Appointment)
unless { context has weekday && context.weekday };`);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'DENY');
  const details = await page.textContent('#cedar-details');
  assert.match(details, /policy2 @id\("appointments-read-only-on-weekdays"\) — forbid at line 8(?!\d)/);
  // The determining policy's first line is marked in the editor's gutter.
  assert.equal(await page.textContent('#panel-cedar .editor[data-for=policies-text] .gutter .mark-deny'), '8');

  // A request with the context that lifts the forbid: allow again, by policy0.
  const request = JSON.parse(await page.inputValue('#request-text'));
  await page.fill('#request-text', JSON.stringify({...request, context: {weekday: true}}, null, 2));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');
  await page.fill('#request-text', JSON.stringify(request, null, 2));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'DENY');
  await screenshot('02-cedar-deny');
  await page.fill('#policies-text', policies);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');
});

test('Cedar inputs reach the engine as text: 64-bit integers exact, duplicate keys refused', async () => {
  await tab('cedar');
  const policies = await page.inputValue('#policies-text');
  const request = await page.inputValue('#request-text');
  await page.fill('#policies-text', `${policies}

@id("exact-ticket")
forbid (principal, action, resource) unless { context has ticket && context.ticket == 9007199254740993 };`);
  // 9007199254740993 is not a double: a call that went through JavaScript numbers would hold
  // 9007199254740992 and be denied.
  await page.fill('#request-text', request.replace('"context": {}', '"context": {"ticket": 9007199254740993}'));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');
  await page.fill('#request-text', request.replace('"context": {}', '"context": {"ticket": 9007199254740992}'));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'DENY');
  assert.match(await page.textContent('#cedar-details'), /policy2 @id\("exact-ticket"\)/);
  await page.fill('#request-text', request.replace('"context": {}', '"context": {"ticket": 1, "ticket": 9007199254740993}'));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ERROR: deny');
  assert.match(await page.textContent('#cedar-details'), /duplicate key `ticket`/);
  await page.fill('#request-text', request);
  await page.fill('#policies-text', policies);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');
});

test('a broken policy shows the parse error at its line and column, and puts the caret there', async () => {
  await tab('cedar');
  const policies = await page.inputValue('#policies-text');
  const broken = policies.replace('resource.tenant == principal.tenant', 'resource.tenant = principal.tenant');
  assert.notEqual(broken, policies);
  await page.fill('#policies-text', broken);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ERROR: deny');
  const offset = broken.indexOf(' = ') + 1;
  const {line, column} = lineColumn(broken, offset);
  const error = await page.textContent('#cedar-details .errors li');
  assert.ok(error.startsWith(`Policies, line ${line}, column ${column}: parse error: `), error);
  assert.match(error, /`=` is not an operator/);
  assert.equal(
      await page.textContent('#panel-cedar .editor[data-for=policies-text] .gutter .mark-error'), String(line));
  assert.equal(await page.locator('#panel-cedar .editor[data-for=policies-text] .band.mark-error').count(), 1);
  // The column marker sits after the line's first column-1 characters (6 to 10 px each at 13 px).
  const marker = await page.$eval('#panel-cedar .editor[data-for=policies-text] .column-marker', (node) => node.offsetLeft);
  assert.ok(marker >= 8 + 6 * (column - 1) && marker <= 8 + 10 * (column - 1), `column marker at x=${marker}`);
  await page.click('#cedar-details .errors a.location');
  const caret = await page.evaluate(() => {
    const textarea = document.querySelector('#policies-text');
    return {focused: document.activeElement === textarea, start: textarea.selectionStart, end: textarea.selectionEnd};
  });
  assert.deepEqual(caret, {focused: true, start: offset, end: offset});
  await screenshot('03-cedar-parse-error');

  // Entities that are not JSON (V8's message for "flase" has no position: the page finds it).
  await page.fill('#policies-text', policies);
  const badEntities = ENTITIES_EXAMPLE.replace('"suspended": false', '"suspended": flase');
  await page.fill('#entities-text', badEntities);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ERROR: deny');
  const at = lineColumn(badEntities, badEntities.indexOf('flase'));
  const jsonError = await page.textContent('#cedar-details .errors li');
  assert.ok(jsonError.startsWith(`line ${at.line}, column ${at.column}: The entities text is not valid JSON: `), jsonError);
  assert.equal(await page.textContent('#panel-cedar .editor[data-for=entities-text] .gutter .mark-error'), String(at.line));
  await page.fill('#entities-text', ENTITIES_EXAMPLE);
  // An error V8 reports with its position ("Expected ':' ... (line L column C)") in the request.
  const request = await page.inputValue('#request-text');
  const noColon = request.replace('"context": {}', '"context" {}');
  assert.notEqual(noColon, request);
  await page.fill('#request-text', noColon);
  const colon = lineColumn(noColon, noColon.indexOf('"context" {') + '"context" '.length);
  await page.waitForFunction((prefix) => document.querySelector('#cedar-details .errors li')?.textContent.startsWith(prefix),
                             `line ${colon.line}, column ${colon.column}: The request is not valid JSON: Expected ':'`);
  await page.fill('#request-text', request);
  await page.fill('#entities-text', ENTITIES_EXAMPLE);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');
});

const ROUTE_EXAMPLES = readFileSync(join(ELAYGENT, 'examples', 'routes.jsonl'), 'utf8')
                           .split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));

async function routeExample(predicate) {
  const index = ROUTE_EXAMPLES.findIndex(predicate);
  assert.ok(index >= 0);
  await page.selectOption('#route-example', String(index));
  return ROUTE_EXAMPLES[index];
}

test('the elaygent bundle decides routes: 403 for another tenant, 302 for a disabled user', async () => {
  assert.match(await page.textContent('#bundle-status'),
               /^elaygent \S+ · elaygent \(policies\/elaygent\/\) · digest [0-9a-f]{12}… · Ed25519 signature verified/);
  await tab('route');
  await routeExample((r) => r.path === '/api/tenants/bright/dashboard' && r.session?.user === 'pat');
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent === 'DENY 403');
  assert.equal(await page.textContent('#route-matched'), 'GET /api/tenants/:tenantId/dashboard');
  assert.match(await page.textContent('#route-determining'), /tenant-scope-reasserted forbid/);
  await screenshot('04-route-403');

  // Typing the user's own tenant into the path allows it.
  await page.fill('#route-path', '/api/tenants/acme/dashboard');
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent === 'ALLOW 200');
  assert.match(await page.textContent('#route-determining'), /staff-own-tenant-operator-surface permit/);

  // A session with a duplicate key is refused where the key is (it goes to the engine as text).
  const session = await page.inputValue('#route-session');
  const duplicate = session.replace('{', '{"tenant": "bright",\n ');
  await page.fill('#route-session', duplicate);
  const second = lineColumn(duplicate, duplicate.indexOf('"tenant"', duplicate.indexOf('\n')));
  await page.waitForFunction((prefix) => document.querySelector('#route-details .errors li')?.textContent.startsWith(prefix),
                             `Session, line ${second.line}, column ${second.column}: json error: duplicate key "tenant"`);
  assert.equal(await page.textContent('#route-decision'), 'ERROR: deny');

  await routeExample((r) => r.session?.status === 'disabled');
  await page.waitForFunction(
      () => document.querySelector('#route-decision').textContent === 'DENY 302 → /login?reason=disabled');
  assert.match(await page.textContent('#route-details'), /revoke session/);
  assert.match(await page.textContent('#route-determining'), /disabled-user-signed-out forbid/);
  await screenshot('05-route-302');

  // A determining policy opens in the bundle's file editor, caret on its @id line.
  await page.click('#route-determining a');
  assert.equal(await page.getAttribute('#tab-bundle', 'aria-selected'), 'true');
  const file = await page.inputValue('#bundle-file');
  const text = readFileSync(join(ELAYGENT, file), 'utf8');
  const start = await page.evaluate(() => document.querySelector('#bundle-text').selectionStart);
  assert.ok(text.slice(start).startsWith('@id("disabled-user-signed-out")'), text.slice(start, start + 40));
});

test('editing a bundle file reloads the bundle: routes follow, the signature stops verifying, errors are located', async () => {
  const acmeDashboard = (r) => r.path === '/api/tenants/acme/dashboard' && r.session?.user === 'pat';
  await tab('bundle');
  await page.selectOption('#bundle-file', 'access.cedar');
  const text = await page.inputValue('#bundle-text');

  // A new forbid takes effect on the routes at once; the signature no longer verifies.
  const edited = `${text}
@id("no-dashboards-today")
@message("Dashboards are closed for maintenance")
forbid (principal, action == Action::"view_dashboard", resource);
`;
  await page.fill('#bundle-text', edited);
  await page.waitForFunction(() => /signature does not verify/.test(document.querySelector('#bundle-status').textContent));
  assert.match(await page.textContent('#bundle-status'),
               /signature does not verify: access\.cedar: signature error: .*altered/);
  assert.match(await page.textContent('#bundle-load-result'), /edited: access\.cedar/);
  await tab('route');
  await routeExample(acmeDashboard);
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent.startsWith('DENY'));
  assert.match(await page.textContent('#route-determining'), /no-dashboards-today forbid: Dashboards are closed for maintenance/);

  // A parse error: located by file, line and column; the last bundle that loaded keeps answering.
  await tab('bundle');
  const anchor = 'permit (principal in Role::"staff", action';
  assert.ok(edited.includes(anchor));
  const broken = edited.replace(anchor, 'permit (principal in Role::"staff" = action');
  await page.fill('#bundle-text', broken);
  await page.waitForSelector('#bundle-load-result.error');
  const {line, column} = lineColumn(broken, broken.indexOf('" = action') + 2);
  const error = await page.textContent('#bundle-load-result li');
  assert.ok(error.startsWith(`access.cedar, line ${line}, column ${column}: parse error:`), error);
  assert.equal(await page.textContent('#panel-bundle .gutter .mark-error'), String(line));
  assert.match(await page.textContent('#bundle-status'), /last bundle that loaded/);
  await page.click('#bundle-load-result a.location');
  assert.equal(await page.evaluate(() => document.querySelector('#bundle-text').selectionStart),
               broken.indexOf('" = action') + 2);
  await screenshot('06-bundle-error');
  await tab('route');
  await routeExample(acmeDashboard);
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent.startsWith('DENY'));
  assert.match(await page.textContent('#route-determining'), /no-dashboards-today/);

  // Reverted: the signed bundle again, and the route allowed.
  await tab('bundle');
  await page.click('#bundle-revert');
  await page.waitForSelector('#bundle-load-result.ok');
  assert.equal(await page.inputValue('#bundle-text'), text);
  assert.match(await page.textContent('#bundle-status'), /Ed25519 signature verified/);
  await tab('route');
  await routeExample(acmeDashboard);
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent === 'ALLOW 200');
});

test('a field mask and a telemetry scrub highlight what was removed and masked', async () => {
  await tab('scrub');
  await page.check('input[name=scrub-mode][value=mask]');
  await page.selectOption('#scrub-example', 'examples/dashboard.json');
  await page.selectOption('#scrub-profile', 'dashboard');
  await page.selectOption('#scrub-surface', 'mobile');
  await page.waitForSelector('#scrub-original .json-line.removed');
  assert.match(await page.textContent('#scrub-summary'), /^6 removed, 0 masked/);
  const removed = await page.$$eval('#scrub-original .json-line.removed[data-pointer]', (lines) => lines.map((l) => l.dataset.pointer));
  assert.deepEqual(removed.sort(), ['/integrations/twilio_auth_token', '/integrations/vapi_api_key',
    '/leads/0/per_lead_value', '/leads/1/per_lead_value', '/revenue_at_risk', '/won_revenue']);
  const scrubbed = await page.textContent('#scrub-result');
  assert.doesNotMatch(scrubbed, /revenue_at_risk|vapi_api_key/);
  assert.match(scrubbed, /"missed_calls": 37/);
  await screenshot('07-scrub-mask');

  // The payload reaches the engine as text: an integer beyond 2^53 stays exact, a duplicate
  // key is refused at its line and column in the payload.
  const dashboard = await page.inputValue('#scrub-payload');
  await page.fill('#scrub-payload', dashboard.replace('"calls": 412', '"calls": 9007199254740993'));
  await page.waitForFunction(() => document.querySelector('#scrub-result').textContent.includes('"calls": 9007199254740993'));
  assert.match(await page.textContent('#scrub-original'), /"calls": 9007199254740993,/);
  const duplicate = dashboard.replace('"missed_calls": 37,', '"missed_calls": 37,\n  "tenant": "bright",');
  assert.notEqual(duplicate, dashboard);
  await page.fill('#scrub-payload', duplicate);
  const second = lineColumn(duplicate, duplicate.indexOf('"tenant": "bright"'));
  await page.waitForFunction((prefix) => document.querySelector('#scrub-summary .errors li')?.textContent.startsWith(prefix),
                             `Payload, line ${second.line}, column ${second.column}: json error: duplicate key "tenant"`);
  assert.equal(await page.textContent('#panel-scrub .editor[data-for=scrub-payload] .gutter .mark-error'), String(second.line));
  await page.fill('#scrub-payload', dashboard);
  await page.waitForFunction(() => /^6 removed/.test(document.querySelector('#scrub-summary').textContent));

  // A platform administrator sees the financial fields: only the secrets go.
  await page.fill('#scrub-viewer', JSON.stringify({user: 'opal', roles: ['platform_admin'], tenant: 'elaygent', status: 'active'}));
  await page.waitForFunction(() => /^2 removed/.test(document.querySelector('#scrub-summary').textContent));

  await page.check('input[name=scrub-mode][value=telemetry]');
  await page.selectOption('#scrub-profile', 'error-monitoring');
  await page.waitForFunction(() => document.querySelector('#scrub-result .json-line.masked') !== null);
  const replaced = await page.$$eval('#scrub-result .json-line.masked[data-pointer]', (lines) => lines.map((l) => l.dataset.pointer));
  assert.ok(replaced.includes('/request/headers/Authorization'), replaced.join(' '));
  assert.ok(replaced.includes('/message'), replaced.join(' '));
  const removedTelemetry = await page.$$eval('#scrub-original .json-line.removed[data-pointer]', (lines) => lines.map((l) => l.dataset.pointer));
  assert.ok(removedTelemetry.includes('/extra/caller_number'), removedTelemetry.join(' '));
  const result = await page.textContent('#scrub-result');
  assert.doesNotMatch(result, /jane\.doe@example\.com|eyJhbGciOiJIUzI1NiJ9/);
  assert.match(await page.textContent('#scrub-original'), /jane\.doe@example\.com/);
  await screenshot('08-scrub-telemetry');
});

// The elaygent bundle loaded by the same engine in Node: the answers the page must show.
async function elaygentInNode() {
  const cordon = await import(pathToFileURL(join(REPO, 'wasm', 'dist', 'cordon.mjs')).href);
  const manifest = JSON.parse(readFileSync(join(ELAYGENT, 'bundle.json'), 'utf8'));
  const files = {'bundle.json': readFileSync(join(ELAYGENT, 'bundle.json'), 'utf8')};
  for (const key of ['policies', 'entities', 'routes', 'fields', 'scrub', 'tables', 'examples']) {
    for (const path of [manifest[key]].flat().filter(Boolean)) files[path] = readFileSync(join(ELAYGENT, path), 'utf8');
  }
  const loaded = cordon.loadBundle({files});
  assert.equal(loaded.type, 'success', JSON.stringify(loaded));
  return loaded.bundle;
}

test('the matrix shows the engine\'s cells for each route and role', async () => {
  const bundle = await elaygentInNode();
  const expected = bundle.matrix({surface: 'mobile'}).matrix;
  bundle.dispose();

  await tab('matrix');
  await page.selectOption('#matrix-surface', 'mobile');
  await page.waitForFunction(() => document.querySelector('#matrix-result p')?.textContent.includes('surface mobile'));
  const shown = await page.$$eval('#matrix-table tbody tr', (rows) => rows.map((row) => ({
    route: row.querySelector('th').textContent,
    cells: [...row.querySelectorAll('td[class^=cell-]')].map((td) => td.className.slice(5)),
  })));
  assert.deepEqual(await page.$$eval('#matrix-table thead th', (ths) => ths.slice(2).map((th) => th.textContent)), expected.roles);
  assert.deepEqual(shown, expected.routes.map((route, r) => ({route, cells: expected.cells[r]})));
  assert.ok(shown.some((row) => row.cells.includes('allow')) && shown.some((row) => row.cells.includes('deny')));
  await screenshot('09-matrix');
});

test('a gate check lists every unmet gate, then the deletion plan once all are met', async () => {
  const bundle = await elaygentInNode();
  const actor = JSON.parse(await page.inputValue('#gate-actor'));
  const facts = (name) => JSON.parse(readFileSync(join(ELAYGENT, 'examples', name), 'utf8'));
  const unmet = bundle.gate({workflow: 'hard_delete_tenant', actor, facts: facts('hard-delete-unmet.json')}).result;
  const ready = bundle.gate({workflow: 'hard_delete_tenant', actor, facts: facts('hard-delete-ready.json')}).result;
  bundle.dispose();
  assert.ok(unmet.unmet.length > 1 && ready.allowed);

  await tab('gate');
  await page.selectOption('#gate-workflow', 'hard_delete_tenant');
  await page.selectOption('#gate-example', 'examples/hard-delete-unmet.json');
  await page.waitForFunction((n) => document.querySelector('#gate-decision').textContent === `REFUSED: ${n} unmet gates`,
                             unmet.unmet.length);
  const shown = await page.$$eval('#gate-unmet li strong', (items) => items.map((item) => item.textContent));
  assert.deepEqual(shown, unmet.unmet.map((gate) => gate.gate));
  await screenshot('10-gate-unmet');

  await page.selectOption('#gate-example', 'examples/hard-delete-ready.json');
  await page.waitForFunction(() => document.querySelector('#gate-decision').textContent === 'MAY PROCEED');
  assert.deepEqual(await page.$$eval('#gate-plan li', (items) => items.map((item) => item.textContent)), ready.deletionPlan);

  // Facts with a duplicate key are refused where the key is (they go to the engine as text).
  const readyText = await page.inputValue('#gate-facts');
  const duplicate = readyText.replace('{', '{"legal_hold": true,\n ');
  await page.fill('#gate-facts', duplicate);
  const second = lineColumn(duplicate, duplicate.indexOf('"legal_hold"', duplicate.indexOf('\n')));
  await page.waitForFunction((prefix) => document.querySelector('#gate-details .errors li')?.textContent.startsWith(prefix),
                             `Facts, line ${second.line}, column ${second.column}: json error: duplicate key "legal_hold"`);
  assert.equal(await page.textContent('#gate-decision'), 'ERROR: refused');
  await page.fill('#gate-facts', readyText);
  await page.waitForFunction(() => document.querySelector('#gate-decision').textContent === 'MAY PROCEED');
  assert.deepEqual(await page.$$eval('#gate-plan li', (items) => items.map((item) => item.textContent)), ready.deletionPlan);
});

test('a bundle chosen as a folder or as files loads, or shows where it is broken', async () => {
  await page.setInputFiles('#open-folder', join(REPO, 'tests', 'bundles', 'valid'));
  await page.waitForFunction(() => /^clinic /.test(document.querySelector('#bundle-status').textContent));
  assert.match(await page.textContent('#bundle-status'), /^clinic \S+ · folder valid · digest [0-9a-f]{12}… · unsigned$/);
  // Paths stay relative to the chosen folder, subfolders included.
  const paths = await page.$$eval('#bundle-file option', (options) => options.map((o) => o.value));
  assert.deepEqual([...paths].sort(), ['README.md', 'access.cedar', 'bundle.json', 'entities.json',
    'examples/requests.jsonl', 'gates.cedar', 'tables.json']);
  await tab('matrix');
  await page.waitForFunction(() => document.querySelector('#matrix-result p')?.textContent.startsWith('clinic '));

  await tab('bundle');
  const broken = join(REPO, 'tests', 'bundles', 'broken', 'policy_parse_error');
  await page.setInputFiles('#open-files', ['bundle.json', 'entities.json', 'policies.cedar'].map((name) => join(broken, name)));
  await page.waitForSelector('#bundle-load-result.error');
  const [, file, line, column, message] =
      /^([^:]+):(\d+):(\d+): (.*)$/.exec(readFileSync(`${broken}.expected`, 'utf8').trim());
  assert.equal(await page.textContent('#bundle-load-result li'), `${file}, line ${line}, column ${column}: ${message}`);
  assert.match(await page.textContent('#bundle-status'), /^The files do not load \(1 error\); .* last bundle that loaded, clinic /);
  await page.click('#bundle-load-result a.location');
  assert.equal(await page.inputValue('#bundle-file'), file);
  assert.equal(await page.textContent('#panel-bundle .gutter .mark-error'), line);
  await screenshot('11-chosen-files-error');

  await page.click('#load-elaygent');
  await page.waitForFunction(() => /^elaygent /.test(document.querySelector('#bundle-status').textContent));
});

test('offline after load, editing still updates the decisions', async () => {
  await context.setOffline(true);
  const before = requests.length;
  const failedBefore = failed.length;

  await tab('cedar');
  await page.fill('#entities-text', ENTITIES_EXAMPLE.replace('"suspended": false', '"suspended": true'));
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'DENY');
  assert.match(await page.textContent('#cedar-details'), /policy1 @id\("no-suspended-users"\)/);
  await page.fill('#entities-text', ENTITIES_EXAMPLE);
  await page.waitForFunction(() => document.querySelector('#decision').textContent === 'ALLOW');

  await tab('route');
  await routeExample((r) => r.path === '/api/tenants/bright/dashboard' && r.session?.user === 'pat');
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent === 'DENY 403');
  await page.fill('#route-path', '/api/tenants/acme/calls');
  await page.waitForFunction(() => document.querySelector('#route-decision').textContent === 'ALLOW 200');

  // Loading the default bundle again uses the copy fetched at start-up.
  await page.click('#load-elaygent');
  await page.waitForFunction(() => /^elaygent /.test(document.querySelector('#bundle-status').textContent));
  await screenshot('12-offline');
  assert.equal(requests.length, before, requests.slice(before).join('\n'));
  assert.equal(failed.length, failedBefore);
  await context.setOffline(false);
});

test('no script errors on the page', () => {
  assert.deepEqual(consoleErrors, []);
});
