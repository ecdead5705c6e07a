// A worker timing one cold start inside a fresh workerd isolate: GET /coldstart imports the
// package, initializes it with the WebAssembly.Module workerd compiled when it loaded this
// worker, loads the elaygent bundle and decides one route; it answers the milliseconds.
// GET /ready answers without touching the package (run.mjs waits for it first).
import files from 'elaygent.bundle.json';
import settings from 'coldstart.json';  // {request}
import wasmModule from 'cordon-policy/cordon-core.wasm';

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/ready') return new Response('ready');
    const t0 = performance.now();
    const cordon = await import('cordon-policy');
    const t1 = performance.now();
    await cordon.init({wasmModule});
    const t2 = performance.now();
    const {bundle} = cordon.loadBundle({files});
    const t3 = performance.now();
    const {decision} = bundle.route(settings.request);
    const t4 = performance.now();
    return Response.json({import: t1 - t0, init: t2 - t1, load: t3 - t2, route: t4 - t3,
                          total: t4 - t0, status: decision.status});
  },
};
