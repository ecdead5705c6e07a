#!/usr/bin/env node
// Runs middleware.js inside Vercel's edge runtime sandbox (npm `edge-runtime`) the way a
// deployment does, without a bundler: the middleware and the package's ES modules are linked
// as modules of the sandbox's realm, `cordon-policy/cordon-core.wasm?module` is a
// WebAssembly.Module compiled outside the sandbox (as Vercel compiles it at deployment), and
// the sandbox may not compile WebAssembly or code from bytes or strings itself.
//
//   node --experimental-vm-modules examples/vercel-edge/run-in-edge-runtime.mjs < requests.jsonl
//
// Each input line is {"method", "path", "headers"?}; each output line is the middleware's
// answer {"status", "headers", "body"}. Reads the package's files from wasm/dist/ (or
// --package DIR) and the packed bundle from elaygent.bundle.json here (or --bundle FILE).
import {EdgeRuntime} from 'edge-runtime';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import vm from 'node:vm';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A new EdgeRuntime whose realm, as on Vercel, compiles neither code from strings nor wasm. */
export function edgeSandbox() {
  return new EdgeRuntime({codeGeneration: {strings: false, wasm: false}});
}

/**
 * Evaluates middleware.js in a new EdgeRuntime and answers {runtime, middleware}.
 * packageDir holds cordon.mjs, cordon-core.mjs and cordon-core.wasm; bundleText is the
 * packed bundle's JSON text. Optional: wasmModule, cordon-core.wasm already compiled, and
 * runtime, an edgeSandbox().
 */
export async function loadMiddleware({packageDir, bundleText, wasmModule, runtime,
                                      middlewareFile = join(HERE, 'middleware.js')}) {
  if (typeof vm.SourceTextModule !== 'function') {
    throw new Error('run node with --experimental-vm-modules (node:vm modules link the sandbox)');
  }
  // Compiled here, outside the sandbox, like Vercel's `?module` import.
  wasmModule ??= await WebAssembly.compile(readFileSync(join(packageDir, 'cordon-core.wasm')));
  runtime ??= edgeSandbox();
  const {context} = runtime;

  const sources = new Map([
    ['middleware', middlewareFile],
    ['cordon-policy', join(packageDir, 'cordon.mjs')],
    ['./cordon-core.mjs', join(packageDir, 'cordon-core.mjs')],
  ]);
  const modules = new Map();
  function load(specifier) {
    if (modules.has(specifier)) return modules.get(specifier);
    let module;
    if (sources.has(specifier)) {
      const file = sources.get(specifier);
      module = new vm.SourceTextModule(readFileSync(file, 'utf8'),
                                       {context, identifier: pathToFileURL(file).href});
    } else if (specifier === 'cordon-policy/cordon-core.wasm?module') {
      module = new vm.SyntheticModule(['default'], function() { this.setExport('default', wasmModule); },
                                      {context, identifier: specifier});
    } else if (specifier === './elaygent.bundle.json') {
      const files = runtime.evaluate('JSON.parse')(bundleText);  // an object of the sandbox's realm
      module = new vm.SyntheticModule(['default'], function() { this.setExport('default', files); },
                                      {context, identifier: specifier});
    } else {
      throw new Error(`the edge sandbox has no module ${specifier}`);
    }
    modules.set(specifier, module);
    return module;
  }
  const entry = load('middleware');
  await entry.link(load);
  await entry.evaluate();
  return {runtime, middleware: entry.namespace.default};
}

/** Calls the middleware with a Request of the sandbox; answers {status, headers, body}. */
export async function callMiddleware({runtime, middleware}, {method, path, headers = {}}) {
  const request = new (runtime.evaluate('Request'))(new URL(path, 'https://app.example').href, {method, headers});
  const response = await middleware(request);
  return {status: response.status, headers: Object.fromEntries(response.headers), body: await response.text()};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flag = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const packageDir = flag('--package', join(HERE, '..', '..', 'wasm', 'dist'));
  const bundleText = readFileSync(flag('--bundle', join(HERE, 'elaygent.bundle.json')), 'utf8');
  const loaded = await loadMiddleware({packageDir, bundleText});
  for await (const line of createInterface({input: process.stdin})) {
    if (line.trim()) console.log(JSON.stringify(await callMiddleware(loaded, JSON.parse(line))));
  }
}
