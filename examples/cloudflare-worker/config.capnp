# workerd configuration: worker.mjs in front of a stand-in origin, on http://127.0.0.1:8787.
# Needs the npm package's files in wasm/dist/ (the WASM build) and elaygent.bundle.json
# (node examples/pack-bundle.mjs); see README.md.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "policy", worker = .policyWorker),
    (name = "origin", worker = .originWorker),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "policy")],
);

const policyWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    # The package under the names worker.mjs imports (what wrangler resolves through the
    # package's exports); cordon.mjs imports ./cordon-core.mjs, the Emscripten glue.
    (name = "cordon-policy", esModule = embed "../../wasm/dist/cordon.mjs"),
    (name = "cordon-core.mjs", esModule = embed "../../wasm/dist/cordon-core.mjs"),
    # A wasm module is compiled by workerd when it loads the worker, not at run time.
    (name = "cordon-policy/cordon-core.wasm", wasm = embed "../../wasm/dist/cordon-core.wasm"),
    (name = "elaygent.bundle.json", json = embed "elaygent.bundle.json"),
  ],
  compatibilityDate = "2024-09-23",
  # fetch() of an allowed request goes to the origin service (on Cloudflare: the zone's origin).
  globalOutbound = "origin",
);

const originWorker :Workerd.Worker = (
  modules = [(name = "origin.mjs", esModule = embed "origin.mjs")],
  compatibilityDate = "2024-09-23",
);
