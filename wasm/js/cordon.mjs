// cordon-policy, ES module entry: the Cedar authorization API of
// @cedar-policy/cedar-wasm, answered by cordon's WebAssembly build.
//
//   import { isAuthorized } from 'cordon-policy';          // Node: ready on import
//   const answer = isAuthorized({ principal: { type: 'User', id: 'alice' }, ... });
//   if (answer.type === 'success') console.log(answer.response.decision);  // "allow" | "deny"
//
// and the domain calls on a policy bundle:
//
//   const loaded = loadBundle({ files: { 'bundle.json': '...', 'access.cedar': '...', ... } });
//   if (loaded.type === 'failure') throw new Error(loaded.errors[0].message);  // file:line:col
//   loaded.bundle.route({ method: 'GET', path: '/api/...', surface: 'mobile', session: {...} });
//
// Browsers, workers and edge runtimes load the module first:
//
//   import { init, isAuthorized } from './node_modules/cordon-policy/wasm/dist/cordon.mjs';
//   await init();                          // fetches cordon-core.wasm next to this file
//   await init({ wasmModule });            // an already compiled WebAssembly.Module, as below
//
// Edge runtimes compile no WebAssembly from bytes at run time; they compile an imported
// module when they load the code: `import wasmModule from 'cordon-policy/cordon-core.wasm'`
// (Cloudflare's workerd and wrangler) or `'cordon-policy/cordon-core.wasm?module'` (Vercel).
// examples/cloudflare-worker and examples/vercel-edge in the repository do this.
//
// Keep the API functions in step with cordon.cjs (tests/js/cjs.test.cjs compares them).
import createCordonModule from './cordon-core.mjs';

const WASM_FILE_NAME = 'cordon-core.wasm';

let core = null;  // the Emscripten module, once instantiated
let pendingInit = null;
let nodeAutoInitError = null;

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions === 'object' &&
      typeof process.versions.node === 'string' &&
      // workerd's Node compatibility layer reports a Node version but cannot read files.
      globalThis.navigator?.userAgent !== 'Cloudflare-Workers';
}

async function compileWasm(options) {
  if (options.wasmModule) return options.wasmModule;
  if (options.wasmBinary) return WebAssembly.compile(options.wasmBinary);
  const url = new URL(options.wasmUrl ?? WASM_FILE_NAME, import.meta.url);
  if (url.protocol === 'file:') {
    // Node's fetch does not read file: URLs. The specifier is a variable so that
    // bundlers for browsers and edge runtimes (esbuild, wrangler) leave it alone.
    const nodeFs = 'node:fs/promises';
    const {readFile} = await import(/* webpackIgnore: true */ /* @vite-ignore */ nodeFs);
    return WebAssembly.compile(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`cordon: cannot load ${url}: HTTP ${response.status}`);
  }
  if (typeof WebAssembly.compileStreaming === 'function' &&
      response.headers.get('Content-Type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function instantiateCore(wasmModule) {
  return new Promise((resolve, reject) => {
    createCordonModule({
      // Never let the glue resolve a URL of its own (workerd rejects import.meta.url).
      locateFile: (path) => path,
      instantiateWasm(imports, receiveInstance) {
        WebAssembly.instantiate(wasmModule, imports)
            .then((instance) => receiveInstance(instance, wasmModule))
            .catch(reject);
        return {};  // exports arrive through receiveInstance
      },
      onAbort: (reason) => reject(new Error(`cordon: the WebAssembly module aborted: ${reason}`)),
    }).then(resolve, reject);
  });
}

/**
 * Loads the WebAssembly module. Needed once before any other call, except in
 * Node, where importing the package already did it. Later calls resolve at once.
 */
export function init(options = {}) {
  if (core) return Promise.resolve();
  if (!pendingInit) {
    pendingInit = compileWasm(options)
                      .then(instantiateCore)
                      .then((module) => {
                        core = module;
                      })
                      .catch((error) => {
                        pendingInit = null;  // let the caller retry, e.g. with other options
                        throw error;
                      });
  }
  return pendingInit;
}

function loadedCore() {
  if (core) return core;
  const hint =
      nodeAutoInitError ? ` (loading it on import failed: ${nodeAutoInitError.message})` : '';
  throw new Error(`cordon: the WebAssembly module is not loaded; await init() first${hint}`);
}

// @include call-text.js

/** Decides a request: cedar-wasm's isAuthorized. Malformed input gives {type: "failure"}. */
export function isAuthorized(call) {
  const module = loadedCore();
  return callWithJson(
      module, module._cordon_is_authorized_at, call, 'the authorization call', decisionAt,
      decisionFailure);
}

/** isAuthorized on JSON text, answering JSON text; integers keep all 64 bits. */
export function isAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') throw new TypeError('cordon: isAuthorizedJson takes JSON text');
  const module = loadedCore();
  return callWithText(module, module._cordon_is_authorized_at, callJson);
}

/** Parses and keeps a policy set under an id, for statefulIsAuthorized. */
export function preparsePolicySet(id, policies) {
  const module = loadedCore();
  if (typeof id !== 'string') {
    return callFailure('the policy set id must be a string');
  }
  const json = toJsonText(policies, 'the policy set');
  if (json.error) return callFailure(json.error);
  return JSON.parse(module.preparsePolicySetJson(id, encoder.encode(json.text)));
}

/** Parses entities once and keeps them under an id, for call.preparsedEntitiesId. */
export function preparseEntities(id, entities) {
  const module = loadedCore();
  if (typeof id !== 'string') {
    return callFailure('the entities id must be a string');
  }
  const json = toJsonText(entities, 'the entities');
  if (json.error) return callFailure(json.error);
  return JSON.parse(module.preparseEntitiesJson(id, encoder.encode(json.text)));
}

/** isAuthorized with the policies named by call.preparsedPolicySetId. */
export function statefulIsAuthorized(call) {
  const module = loadedCore();
  return callWithJson(
      module, module._cordon_stateful_decision_at, call, 'the authorization call', decisionAt,
      decisionFailure);
}

/** statefulIsAuthorized on JSON text, answering JSON text. */
export function statefulIsAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') {
    throw new TypeError('cordon: statefulIsAuthorizedJson takes JSON text');
  }
  const module = loadedCore();
  return callWithText(module, module._cordon_stateful_is_authorized_at, callJson);
}

// ---- Policy bundles and the domain calls -------------------------------------------------

// A bundle's WebAssembly memory is freed by dispose(), or else once its object is collected.
const bundleRegistry = typeof FinalizationRegistry === 'function' ?
    new FinalizationRegistry((handle) => handle.delete()) :
    null;
const BUNDLE_TOKEN = Symbol('cordon.Bundle');

/**
 * A loaded policy bundle (see loadBundle). Each domain call takes the JSON shapes of
 * cordon/domain_json.h and answers {type: "success", ...} or {type: "failure", errors}; it
 * never throws for malformed input. The *Json methods take and answer JSON text, so
 * integers beyond 2^53 in payloads and events stay exact.
 */
export class Bundle {
  #handle;
  #info;

  constructor(token, handle, info) {
    if (token !== BUNDLE_TOKEN) {
      throw new TypeError('cordon: load a bundle with loadBundle({files})');
    }
    this.#handle = handle;
    this.#info = info;
    bundleRegistry?.register(this, handle, this);
  }

  /** The manifest's name. */
  get name() { return this.#info.name; }
  /** The manifest's revision. */
  get revision() { return this.#info.revision; }
  /** Hex SHA-256 over the bundle's files. */
  get digest() { return this.#info.digest; }

  #core(method) {
    if (!this.#handle) throw new Error('cordon: this bundle was disposed');
    return this.#handle[method].bind(this.#handle);
  }

  #object(method, call, what) {
    const evaluate = this.#core(`${method}At`);
    return callWithJson(loadedCore(), evaluate, call, what, domainAnswerAt, callFailure);
  }

  #text(method, callJson) {
    const evaluate = this.#core(`${method}At`);
    if (typeof callJson !== 'string') {
      throw new TypeError(`cordon: Bundle.${method}Json takes JSON text`);
    }
    return callWithText(loadedCore(), evaluate, callJson);
  }

  /** Decides a route request {method, path, query?, session?, surface, credentials?}. */
  route(request) { return this.#object('route', request, 'the route request'); }
  /** route on JSON text, answering JSON text. */
  routeJson(requestJson) { return this.#text('route', requestJson); }
  /** Applies a field-mask profile: {payload, viewer, surface, profile}. */
  mask(call) { return this.#object('mask', call, 'the mask call'); }
  /** mask on JSON text, answering JSON text. */
  maskJson(callJson) { return this.#text('mask', callJson); }
  /** Scrubs a telemetry event: {event, profile}. */
  scrub(call) { return this.#object('scrub', call, 'the scrub call'); }
  /** scrub on JSON text, answering JSON text. */
  scrubJson(callJson) { return this.#text('scrub', callJson); }
  /** Checks a gated workflow: {workflow, actor, facts?}; lists every unmet gate. */
  gate(call) { return this.#object('gate', call, 'the gate call'); }
  /** gate on JSON text, answering JSON text. */
  gateJson(callJson) { return this.#text('gate', callJson); }
  /** The access matrix: {surface?: "desktop", format?: "json" | "markdown" | "csv" | "html"}. */
  matrix(call = {}) { return this.#object('matrix', call, 'the matrix call'); }
  /** matrix on JSON text, answering JSON text. */
  matrixJson(callJson) { return this.#text('matrix', callJson); }

  /** Frees the bundle's WebAssembly memory now; the bundle cannot be used afterwards. */
  dispose() {
    if (!this.#handle) return;
    bundleRegistry?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  /** {name, revision, digest}: the "bundle" of the engine's load answer. */
  toJSON() { return {...this.#info}; }
}

if (typeof Symbol.dispose === 'symbol') Bundle.prototype[Symbol.dispose] = Bundle.prototype.dispose;

/**
 * Loads a bundle from its files: {files: {path: text}, options?: {requireSignature,
 * verificationKey, scrubHashKey}}. Answers {type: "success", bundle} or {type: "failure",
 * errors}, each error naming file:line:col; it never throws for a bad bundle.
 */
export function loadBundle(call) {
  const module = loadedCore();
  const json = toJsonText(call, 'the load call');
  if (json.error) return callFailure(json.error);
  const handle = new module.Bundle(encoder.encode(json.text));
  const answer = JSON.parse(handle.loadAnswer());
  if (!handle.loaded()) {
    handle.delete();
    return answer;
  }
  return {type: 'success', bundle: new Bundle(BUNDLE_TOKEN, handle, answer.bundle)};
}

// ---- Verification: webhook signatures, outbound URLs, credentials ------------------------
//
// Stateless checks of cordon/verify_json.h, the same answers as the native and Python builds.
// A refused delivery, URL or credential is {type: "success", result} whose result says why;
// only a malformed call is {type: "failure", errors} (errors[0].code "verification" or "json").

function verificationCall(method, call, what) {
  const module = loadedCore();
  const json = toJsonText(call, what);
  if (json.error) return callFailure(json.error);
  return JSON.parse(module[method](encoder.encode(json.text)));
}

function verificationJson(method, callJson) {
  if (typeof callJson !== 'string') throw new TypeError(`cordon: ${method} takes JSON text`);
  return loadedCore()[method](encoder.encode(callJson));
}

/**
 * Verifies an HMAC-SHA-256 webhook signature: {scheme?: "stripe" | "generic", payload,
 * signature, timestamp?, secrets: [...], now?, toleranceSeconds?, replayScope?}. The result
 * gives {verified, outcome, message, timestamp, replayKey, replayExpiresAt, secretIndex};
 * remember replayKey until replayExpiresAt to refuse replays, or use a ReplayStore.
 */
export function verifyWebhook(call) {
  return verificationCall('verifyWebhookJson', call, 'the webhook call');
}
/** verifyWebhook on JSON text, answering JSON text. */
export function verifyWebhookJson(callJson) {
  return verificationJson('verifyWebhookJson', callJson);
}
/** The header a sender attaches: {scheme?, secret, timestamp, payload} → {type, signature}. */
export function signWebhook(call) {
  return verificationCall('signWebhookJson', call, 'the sign call');
}
/** signWebhook on JSON text, answering JSON text. */
export function signWebhookJson(callJson) {
  return verificationJson('signWebhookJson', callJson);
}
/**
 * May the server send requests to this URL? {url, allowedPorts?} → result {allowed, verdict,
 * message, host, port, address, addressClass}: https only, no userinfo, no loopback, private,
 * link-local or reserved address in any IPv4 or IPv6 form, no local names.
 */
export function checkOutboundUrl(call) {
  return verificationCall('checkOutboundUrlJson', call, 'the URL call');
}
/** checkOutboundUrl on JSON text, answering JSON text. */
export function checkOutboundUrlJson(callJson) {
  return verificationJson('checkOutboundUrlJson', callJson);
}
/**
 * A presented credential against its stored digest: {digest: "sha256:<hex>" | null, and
 * authorization: "Bearer <token>" or presented: "<secret>"} → result {state, message}, the
 * state "valid", "invalid", "missing" or "unset" (no digest configured: fail closed).
 */
export function checkCredential(call) {
  return verificationCall('checkCredentialJson', call, 'the credential call');
}
/** checkCredential on JSON text, answering JSON text. */
export function checkCredentialJson(callJson) {
  return verificationJson('checkCredentialJson', callJson);
}
/** The digest to store for a token: {token} → {type: "success", digest: "sha256:<hex>"}. */
export function credentialDigest(call) {
  return verificationCall('credentialDigestJson', call, 'the digest call');
}
/** credentialDigest on JSON text, answering JSON text. */
export function credentialDigestJson(callJson) {
  return verificationJson('credentialDigestJson', callJson);
}

const replayRegistry = typeof FinalizationRegistry === 'function' ?
    new FinalizationRegistry((handle) => handle.delete()) :
    null;

/**
 * Remembers accepted webhook deliveries in this instance's memory, so that each is
 * accepted once while it lives (per isolate at the edge: a shared store belongs on the
 * server). When `capacity` deliveries are held and none has expired, verification fails
 * closed (outcome "store_failed").
 */
export class ReplayStore {
  #handle;

  constructor({capacity = 100000} = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('cordon: ReplayStore capacity must be a positive integer');
    }
    this.#handle = new (loadedCore().ReplayStore)(capacity);
    replayRegistry?.register(this, this.#handle, this);
  }

  #live() {
    if (!this.#handle) throw new Error('cordon: this replay store was disposed');
    return this.#handle;
  }

  /** verifyWebhook, refusing a delivery this store accepted before (outcome "replayed"). */
  verifyWebhook(call) {
    const handle = this.#live();
    const json = toJsonText(call, 'the webhook call');
    if (json.error) return callFailure(json.error);
    return JSON.parse(handle.verifyWebhook(encoder.encode(json.text)));
  }

  /** verifyWebhook on JSON text, answering JSON text. */
  verifyWebhookJson(callJson) {
    if (typeof callJson !== 'string') {
      throw new TypeError('cordon: ReplayStore.verifyWebhookJson takes JSON text');
    }
    return this.#live().verifyWebhook(encoder.encode(callJson));
  }

  /** How many deliveries are remembered. */
  get size() { return this.#live().size(); }

  /** Frees the store's WebAssembly memory now; it cannot be used afterwards. */
  dispose() {
    if (!this.#handle) return;
    replayRegistry?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }
}

if (typeof Symbol.dispose === 'symbol') {
  ReplayStore.prototype[Symbol.dispose] = ReplayStore.prototype.dispose;
}

/** The cordon engine's version, e.g. "0.1.0". */
export function getCordonVersion() { return loadedCore().version(); }

/** The Cedar language version the engine follows, like cedar-wasm's getCedarLangVersion. */
export function getCedarLangVersion() { return loadedCore().cedarLanguageVersion(); }

// In Node the .wasm sits next to this file: load it now so that a plain import is
// ready to use. A failure is kept for the error of the first call, and init()
// can still be called with explicit options.
if (isNode()) {
  try {
    await init();
  } catch (error) {
    nodeAutoInitError = error;
  }
}
