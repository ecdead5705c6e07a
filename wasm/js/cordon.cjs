// cordon-policy, CommonJS entry for Node: the Cedar authorization API of
// @cedar-policy/cedar-wasm, answered by cordon's WebAssembly build.
//
//   const { isAuthorized } = require('cordon-policy');   // ready on return, no init needed
//   const answer = isAuthorized({ principal: { type: 'User', id: 'alice' }, ... });
//   const { bundle } = loadBundle({ files: { 'bundle.json': '...', ... } });  // or a failure
//
// The module is compiled and instantiated synchronously from cordon-core.wasm
// beside this file. Keep the API functions in step with cordon.mjs
// (tests/js/cjs.test.cjs compares them).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const createCordonModule = require('./cordon-core.cjs');

function instantiateCoreSync() {
  const wasmModule =
      new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'cordon-core.wasm')));
  let abortReason = null;
  // The glue fills this object in place; instantiating inside instantiateWasm
  // finishes its start-up before the factory returns.
  const module = {
    locateFile: (file) => file,
    instantiateWasm(imports, receiveInstance) {
      const instance = new WebAssembly.Instance(wasmModule, imports);
      receiveInstance(instance, wasmModule);
      return instance.exports;
    },
    onAbort: (reason) => {
      abortReason = reason;
    },
  };
  // Linked with synchronous compilation, the factory returns the filled-in object.
  // Its `ready` promise is left unused: a start-up failure is reported below instead.
  createCordonModule(module);
  if (module.ready) module.ready.catch(() => {});
  if (typeof module._cordon_is_authorized_at !== 'function') {
    throw new Error(
        `cordon: the WebAssembly module did not start${abortReason ? `: ${abortReason}` : ''}`);
  }
  return module;
}

const core = instantiateCoreSync();

// @include call-text.js

/** Already loaded in CommonJS; kept so that code written for the ES module runs unchanged. */
function init() { return Promise.resolve(); }

function isAuthorized(call) {
  return callWithJson(
      core, core._cordon_is_authorized_at, call, 'the authorization call', decisionAt,
      decisionFailure);
}

function isAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') throw new TypeError('cordon: isAuthorizedJson takes JSON text');
  return callWithText(core, core._cordon_is_authorized_at, callJson);
}

function preparsePolicySet(id, policies) {
  if (typeof id !== 'string') {
    return callFailure('the policy set id must be a string');
  }
  const json = toJsonText(policies, 'the policy set');
  if (json.error) return callFailure(json.error);
  return JSON.parse(core.preparsePolicySetJson(id, encoder.encode(json.text)));
}

function preparseEntities(id, entities) {
  if (typeof id !== 'string') {
    return callFailure('the entities id must be a string');
  }
  const json = toJsonText(entities, 'the entities');
  if (json.error) return callFailure(json.error);
  return JSON.parse(core.preparseEntitiesJson(id, encoder.encode(json.text)));
}

function statefulIsAuthorized(call) {
  return callWithJson(
      core, core._cordon_stateful_decision_at, call, 'the authorization call', decisionAt,
      decisionFailure);
}

function statefulIsAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') {
    throw new TypeError('cordon: statefulIsAuthorizedJson takes JSON text');
  }
  return callWithText(core, core._cordon_stateful_is_authorized_at, callJson);
}

// ---- Policy bundles and the domain calls (see cordon.mjs) ---------------------------------

// A bundle's WebAssembly memory is freed by dispose(), or else once its object is collected.
const bundleRegistry = typeof FinalizationRegistry === 'function' ?
    new FinalizationRegistry((handle) => handle.delete()) :
    null;
const BUNDLE_TOKEN = Symbol('cordon.Bundle');

class Bundle {
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

  get name() { return this.#info.name; }
  get revision() { return this.#info.revision; }
  get digest() { return this.#info.digest; }

  #core(method) {
    if (!this.#handle) throw new Error('cordon: this bundle was disposed');
    return this.#handle[method].bind(this.#handle);
  }

  #object(method, call, what) {
    const evaluate = this.#core(`${method}At`);
    return callWithJson(core, evaluate, call, what, domainAnswerAt, callFailure);
  }

  #text(method, callJson) {
    const evaluate = this.#core(`${method}At`);
    if (typeof callJson !== 'string') {
      throw new TypeError(`cordon: Bundle.${method}Json takes JSON text`);
    }
    return callWithText(core, evaluate, callJson);
  }

  route(request) { return this.#object('route', request, 'the route request'); }
  routeJson(requestJson) { return this.#text('route', requestJson); }
  mask(call) { return this.#object('mask', call, 'the mask call'); }
  maskJson(callJson) { return this.#text('mask', callJson); }
  scrub(call) { return this.#object('scrub', call, 'the scrub call'); }
  scrubJson(callJson) { return this.#text('scrub', callJson); }
  gate(call) { return this.#object('gate', call, 'the gate call'); }
  gateJson(callJson) { return this.#text('gate', callJson); }
  matrix(call = {}) { return this.#object('matrix', call, 'the matrix call'); }
  matrixJson(callJson) { return this.#text('matrix', callJson); }

  dispose() {
    if (!this.#handle) return;
    bundleRegistry?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  toJSON() { return {...this.#info}; }
}

if (typeof Symbol.dispose === 'symbol') Bundle.prototype[Symbol.dispose] = Bundle.prototype.dispose;

function loadBundle(call) {
  const json = toJsonText(call, 'the load call');
  if (json.error) return callFailure(json.error);
  const handle = new core.Bundle(encoder.encode(json.text));
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
  const json = toJsonText(call, what);
  if (json.error) return callFailure(json.error);
  return JSON.parse(core[method](encoder.encode(json.text)));
}

function verificationJson(method, callJson) {
  if (typeof callJson !== 'string') throw new TypeError(`cordon: ${method} takes JSON text`);
  return core[method](encoder.encode(callJson));
}

/**
 * Verifies an HMAC-SHA-256 webhook signature: {scheme?: "stripe" | "generic", payload,
 * signature, timestamp?, secrets: [...], now?, toleranceSeconds?, replayScope?}. The result
 * gives {verified, outcome, message, timestamp, replayKey, replayExpiresAt, secretIndex};
 * remember replayKey until replayExpiresAt to refuse replays, or use a ReplayStore.
 */
function verifyWebhook(call) {
  return verificationCall('verifyWebhookJson', call, 'the webhook call');
}
/** verifyWebhook on JSON text, answering JSON text. */
function verifyWebhookJson(callJson) {
  return verificationJson('verifyWebhookJson', callJson);
}
/** The header a sender attaches: {scheme?, secret, timestamp, payload} → {type, signature}. */
function signWebhook(call) {
  return verificationCall('signWebhookJson', call, 'the sign call');
}
/** signWebhook on JSON text, answering JSON text. */
function signWebhookJson(callJson) {
  return verificationJson('signWebhookJson', callJson);
}
/**
 * May the server send requests to this URL? {url, allowedPorts?} → result {allowed, verdict,
 * message, host, port, address, addressClass}: https only, no userinfo, no loopback, private,
 * link-local or reserved address in any IPv4 or IPv6 form, no local names.
 */
function checkOutboundUrl(call) {
  return verificationCall('checkOutboundUrlJson', call, 'the URL call');
}
/** checkOutboundUrl on JSON text, answering JSON text. */
function checkOutboundUrlJson(callJson) {
  return verificationJson('checkOutboundUrlJson', callJson);
}
/**
 * A presented credential against its stored digest: {digest: "sha256:<hex>" | null, and
 * authorization: "Bearer <token>" or presented: "<secret>"} → result {state, message}, the
 * state "valid", "invalid", "missing" or "unset" (no digest configured: fail closed).
 */
function checkCredential(call) {
  return verificationCall('checkCredentialJson', call, 'the credential call');
}
/** checkCredential on JSON text, answering JSON text. */
function checkCredentialJson(callJson) {
  return verificationJson('checkCredentialJson', callJson);
}
/** The digest to store for a token: {token} → {type: "success", digest: "sha256:<hex>"}. */
function credentialDigest(call) {
  return verificationCall('credentialDigestJson', call, 'the digest call');
}
/** credentialDigest on JSON text, answering JSON text. */
function credentialDigestJson(callJson) {
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
class ReplayStore {
  #handle;

  constructor({capacity = 100000} = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('cordon: ReplayStore capacity must be a positive integer');
    }
    this.#handle = new core.ReplayStore(capacity);
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

function getCordonVersion() { return core.version(); }

function getCedarLangVersion() { return core.cedarLanguageVersion(); }

module.exports = {
  init,
  isAuthorized,
  isAuthorizedJson,
  preparsePolicySet,
  preparseEntities,
  statefulIsAuthorized,
  statefulIsAuthorizedJson,
  Bundle,
  loadBundle,
  getCordonVersion,
  getCedarLangVersion,
  verifyWebhook,
  verifyWebhookJson,
  signWebhook,
  signWebhookJson,
  checkOutboundUrl,
  checkOutboundUrlJson,
  checkCredential,
  checkCredentialJson,
  credentialDigest,
  credentialDigestJson,
  ReplayStore,
};
