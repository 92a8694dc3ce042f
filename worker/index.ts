/**
 * The Cloudflare Worker: router.wasm (built by `make wasm`, with the route
 * table compiled in) behind createFastWasmFetch. The module is instantiated
 * once per isolate, at module scope; each request costs at most one Wasm call
 * and none when its answer is cached.
 */
import wasmModule from "../build/router.wasm";
import { createFastWasmFetch } from "../adapters/wasm.js";

const instance = new WebAssembly.Instance(wasmModule, {});
const app = createFastWasmFetch({ instance, cache: { maxEntries: 1024 } });

export default {
  fetch(request: Request): Response {
    return app.fetch(request);
  },
};
