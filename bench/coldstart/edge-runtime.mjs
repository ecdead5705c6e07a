// One cold start in a fresh EdgeRuntime sandbox (Vercel's edge runtime, npm `edge-runtime`),
// set up like examples/vercel-edge: cordon-core.wasm compiled outside the sandbox (Vercel
// does it when it deploys and boots the function), then the package's modules linked and
// evaluated in the sandbox, init, the first bundle load and the first route.
//   node --experimental-vm-modules edge-runtime.mjs PACKAGE_DIR BUNDLE_JSON
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {edgeSandbox, loadMiddleware} from '../../examples/vercel-edge/run-in-edge-runtime.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const [packageDir, bundleFile] = process.argv.slice(2);
const bundleText = readFileSync(bundleFile, 'utf8');
const request = JSON.parse(process.env.CORDON_COLDSTART_REQUEST);

const t0 = performance.now();
const wasmModule = await WebAssembly.compile(readFileSync(join(packageDir, 'cordon-core.wasm')));
const t1 = performance.now();
const runtime = edgeSandbox();
const cpu0 = process.cpuUsage();  // all of the process's threads: V8 compiles in the background
const t2 = performance.now();
const {middleware: firstDecision} = await loadMiddleware(
    {packageDir, bundleText, wasmModule, runtime, middlewareFile: join(HERE, 'edge-entry.mjs')});
const t3 = performance.now();
const inside = await firstDecision({request});
const t4 = performance.now();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({compile: t1 - t0, sandbox: t2 - t1, import: t3 - t2, ...inside,
                            total: t4 - t2,
                            cpu: (cpu.user + cpu.system) / 1000}));
