// One cold start through the CommonJS entry, in this fresh Node process: require() of the
// package (which reads, compiles and instantiates the .wasm synchronously) to the first route
// decision on the elaygent bundle. Prints the milliseconds as one JSON line.
//   node node-cjs.cjs PACKAGE_DIR BUNDLE_JSON
'use strict';
const {readFileSync} = require('node:fs');
const {join} = require('node:path');

const [packageDir, bundleFile] = process.argv.slice(2);
const files = JSON.parse(readFileSync(bundleFile, 'utf8'));  // the bundle is input, read first
const request = JSON.parse(process.env.CORDON_COLDSTART_REQUEST);

const cpu0 = process.cpuUsage();  // all of the process's threads: V8 compiles in the background
const t0 = performance.now();
const cordon = require(join(packageDir, 'cordon.cjs'));
const t1 = performance.now();
const {bundle} = cordon.loadBundle({files});
const t2 = performance.now();
const {decision} = bundle.route(request);
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({import: t1 - t0, load: t2 - t1, route: t3 - t2, total: t3 - t0,
                            cpu: (cpu.user + cpu.system) / 1000,
                            status: decision.status}));
