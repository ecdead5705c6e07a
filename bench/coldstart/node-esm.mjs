// One cold start through the ES module entry, in this fresh Node process: import of the
// package (which reads, compiles and instantiates the .wasm in Node) to the first route
// decision on the elaygent bundle. Prints the milliseconds as one JSON line.
//   node node-esm.mjs PACKAGE_DIR BUNDLE_JSON
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [packageDir, bundleFile] = process.argv.slice(2);
const files = JSON.parse(readFileSync(bundleFile, 'utf8'));  // the bundle is input, read first
const request = JSON.parse(process.env.CORDON_COLDSTART_REQUEST);

const cpu0 = process.cpuUsage();  // all of the process's threads: V8 compiles in the background
const t0 = performance.now();
const cordon = await import(pathToFileURL(join(packageDir, 'cordon.mjs')).href);
const t1 = performance.now();
const {bundle} = cordon.loadBundle({files});
const t2 = performance.now();
const {decision} = bundle.route(request);
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({import: t1 - t0, load: t2 - t1, route: t3 - t2, total: t3 - t0,
                            cpu: (cpu.user + cpu.system) / 1000,
                            status: decision.status}));
