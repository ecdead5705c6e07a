// Where a Node cold start goes, in this fresh process: reading and compiling the .wasm alone
// (as the package does: async in ESM, sync in CJS), then importing the package (its compile
// now hits V8's in-process module cache, so this is mostly instantiation and the glue), the
// first bundle load and route, and the same load and route again once the code is warm.
//   node node-phases.mjs PACKAGE_DIR BUNDLE_JSON [sync]
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [packageDir, bundleFile, mode] = process.argv.slice(2);
const files = JSON.parse(readFileSync(bundleFile, 'utf8'));
const request = JSON.parse(process.env.CORDON_COLDSTART_REQUEST);

const t0 = performance.now();
const bytes = readFileSync(join(packageDir, 'cordon-core.wasm'));
const t1 = performance.now();
if (mode === 'sync') new WebAssembly.Module(bytes);
else await WebAssembly.compile(bytes);
const t2 = performance.now();
const cordon = await import(pathToFileURL(join(packageDir, 'cordon.mjs')).href);
const t3 = performance.now();
const first = cordon.loadBundle({files}).bundle;
const t4 = performance.now();
first.route(request);
const t5 = performance.now();
const again = cordon.loadBundle({files}).bundle;
const t6 = performance.now();
again.route(request);
const t7 = performance.now();
console.log(JSON.stringify({read: t1 - t0, compile: t2 - t1, instantiate: t3 - t2, load: t4 - t3,
                            route: t5 - t4, warmLoad: t6 - t5, warmRoute: t7 - t6}));
