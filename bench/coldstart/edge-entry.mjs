// Evaluated inside EdgeRuntime's sandbox by edge-runtime.mjs, with the modules the Vercel
// example has: the package, the `?module` WebAssembly.Module and the packed bundle.
import {init, loadBundle} from 'cordon-policy';
import wasmModule from 'cordon-policy/cordon-core.wasm?module';
import files from './elaygent.bundle.json';

/** init, first bundle load and first route, timed in the sandbox. */
export default async function firstDecision({request}) {
  const t0 = performance.now();
  await init({wasmModule});
  const t1 = performance.now();
  const {bundle} = loadBundle({files});
  const t2 = performance.now();
  const {decision} = bundle.route(request);
  const t3 = performance.now();
  return {init: t1 - t0, load: t2 - t1, route: t3 - t2, status: decision.status};
}
