// Vercel Routing Middleware (edge runtime) that decides every /api request with the elaygent
// bundle before it reaches a function: refused requests get 401/403/404 (or 400 for a
// malformed path), a signed-out user gets a 302 to the sign-in page, and allowed requests go
// on, with the route and scrub profile as request headers.
//
// The edge runtime cannot compile WebAssembly from bytes, so the module is imported with
// Vercel's `?module` suffix (a WebAssembly.Module compiled at deployment), and the bundle's
// files come in as JSON written by examples/pack-bundle.mjs (no file system here).
import {init, loadBundle} from 'cordon-policy';
import wasmModule from 'cordon-policy/cordon-core.wasm?module';
import files from './elaygent.bundle.json';

export const config = {matcher: '/api/:path*'};

// Demo sessions, keyed by the `session` cookie. Real middleware gets the session from its
// sign-in system (a verified JWT); an unknown cookie is no session.
const SESSIONS = {
  pat: {user: 'pat', roles: ['staff'], tenant: 'acme', status: 'active'},
  dana: {user: 'dana', roles: ['practice_admin'], tenant: 'acme', status: 'active'},
  sam: {user: 'sam', roles: ['staff'], tenant: 'acme', status: 'disabled'},
  opal: {user: 'opal', roles: ['platform_admin'], tenant: 'elaygent', status: 'active'},
};
// The bundle's browser surfaces; a deployment would tell them apart by host name.
const SURFACES = new Set(['desktop', 'mobile']);

// Loaded once per instance, on the first request; a failed load is retried on the next one.
let loading = null;
function elaygent() {
  if (!loading) {
    loading = init({wasmModule}).then(() => {
      // Its signature was checked when it was packed (pack-bundle.mjs --key): the JSON is part
      // of this code, so checking it again here would only slow every cold start.
      const loaded = loadBundle({files});
      if (loaded.type === 'failure') throw new Error(loaded.errors[0].message);
      return loaded.bundle;
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function sessionOf(request) {
  const cookie = request.headers.get('Cookie') ?? '';
  const token = /(?:^|;\s*)session=([^;]*)/.exec(cookie)?.[1];
  return token && Object.hasOwn(SESSIONS, token) ? SESSIONS[token] : undefined;
}

// What `next({request: {headers}})` of @vercel/functions answers: carry on to the function,
// whose request has exactly these headers.
function next(requestHeaders) {
  const headers = new Headers({'x-middleware-next': '1'});
  for (const [name, value] of requestHeaders) headers.set(`x-middleware-request-${name}`, value);
  headers.set('x-middleware-override-headers', [...requestHeaders.keys()].join(','));
  return new Response(null, {headers});
}

export default async function middleware(request) {
  let bundle;
  try {
    bundle = await elaygent();
  } catch (error) {
    console.error(`cordon: the policy bundle did not load: ${error.message}`);
    return new Response('policy unavailable\n', {status: 503});  // fail closed
  }
  const url = new URL(request.url);
  const surface = request.headers.get('X-Surface') ?? 'desktop';
  const answer = bundle.route({
    method: request.method,
    path: url.pathname + url.search,
    surface: SURFACES.has(surface) ? surface : 'unknown',  // unknown: refused with 400
    session: sessionOf(request),
  });
  if (answer.type === 'failure') return new Response('bad request\n', {status: 400});
  const {decision} = answer;

  if (decision.allow) {
    // What the function must still do; the client cannot set these.
    const headers = new Headers(request.headers);
    for (const name of [...headers.keys()]) {
      if (name.startsWith('x-cordon-')) headers.delete(name);
    }
    headers.set('X-Cordon-Route', decision.route);
    if (decision.obligations.scrubProfile) {
      headers.set('X-Cordon-Scrub-Profile', decision.obligations.scrubProfile);
    }
    return next(headers);
  }
  const headers = new Headers({'Content-Type': 'text/plain; charset=utf-8'});
  if (decision.redirect) headers.set('Location', decision.redirect);
  if (decision.obligations.revokeSession) {
    headers.append('Set-Cookie', 'session=; Path=/; Max-Age=0; HttpOnly; Secure');
  }
  const reasons = decision.determining.map((policy) => policy.id).join(', ');
  return new Response(`denied (${decision.status})${reasons ? `: ${reasons}` : ''}\n`,
                      {status: decision.status, headers});
}
