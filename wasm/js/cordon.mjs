// cordon-policy, ES module entry: the Cedar authorization API of
// @cedar-policy/cedar-wasm, answered by cordon's WebAssembly build.
//
//   import { isAuthorized } from 'cordon-policy';          // Node: ready on import
//   const answer = isAuthorized({ principal: { type: 'User', id: 'alice' }, ... });
//   if (answer.type === 'success') console.log(answer.response.decision);  // "allow" | "deny"
//
// Browsers, workers and edge runtimes load the module first:
//
//   import { init, isAuthorized } from './node_modules/cordon-policy/wasm/dist/cordon.mjs';
//   await init();                          // fetches cordon-core.wasm next to this file
//   await init({ wasmModule });            // workerd: a WebAssembly.Module imported by the bundle
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

// cedar-wasm's DetailedError, for input that cannot even be turned into JSON text.
function detailedError(message) {
  return {message, help: null, code: null, url: null, severity: 'error'};
}

// JSON text of a call, or the reason there is none (cycles, BigInt, undefined).
function toJsonText(value, what) {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return {text};
    return {error: `${what} is not a JSON value`};
  } catch (error) {
    return {error: `${what} cannot be converted to JSON: ${error.message}`};
  }
}

/** Decides a request: cedar-wasm's isAuthorized. Malformed input gives {type: "failure"}. */
export function isAuthorized(call) {
  const module = loadedCore();
  const json = toJsonText(call, 'the authorization call');
  if (json.error) return {type: 'failure', errors: [detailedError(json.error)], warnings: []};
  return JSON.parse(module.isAuthorizedJson(json.text));
}

/** isAuthorized on JSON text, answering JSON text; integers keep all 64 bits. */
export function isAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') throw new TypeError('cordon: isAuthorizedJson takes JSON text');
  return loadedCore().isAuthorizedJson(callJson);
}

/** Parses and keeps a policy set under an id, for statefulIsAuthorized. */
export function preparsePolicySet(id, policies) {
  const module = loadedCore();
  if (typeof id !== 'string') {
    return {type: 'failure', errors: [detailedError('the policy set id must be a string')]};
  }
  const json = toJsonText(policies, 'the policy set');
  if (json.error) return {type: 'failure', errors: [detailedError(json.error)]};
  return JSON.parse(module.preparsePolicySetJson(id, json.text));
}

/** isAuthorized with the policies named by call.preparsedPolicySetId. */
export function statefulIsAuthorized(call) {
  const module = loadedCore();
  const json = toJsonText(call, 'the authorization call');
  if (json.error) return {type: 'failure', errors: [detailedError(json.error)], warnings: []};
  return JSON.parse(module.statefulIsAuthorizedJson(json.text));
}

/** statefulIsAuthorized on JSON text, answering JSON text. */
export function statefulIsAuthorizedJson(callJson) {
  if (typeof callJson !== 'string') {
    throw new TypeError('cordon: statefulIsAuthorizedJson takes JSON text');
  }
  return loadedCore().statefulIsAuthorizedJson(callJson);
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
