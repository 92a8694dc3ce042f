/**
 * @hotpath/server/wasm: serve router.wasm from any fetch runtime
 * (Cloudflare Workers, Bun, Node >= 20, Deno).
 *
 *   import wasmModule from "./router.wasm";
 *   import { createFastWasmFetch } from "@hotpath/server/wasm";
 *   const instance = new WebAssembly.Instance(wasmModule, {});
 *   const app = createFastWasmFetch({ instance, cache: { maxEntries: 1024 } });
 *   export default { fetch: (request: Request) => app.fetch(request) };
 */
export { createFastWasmFetch, type FastWasmFetch, type FastWasmFetchOptions } from "./wasm/fast-fetch.js";
export { createWasmFetch, parseCompatResponse, type WasmFetch, type WasmFetchOptions } from "./wasm/compat-fetch.js";
export { createWasmAdapter, type WasmAdapter, type WasmAdapterOptions } from "./wasm/adapter.js";
export { WasmRouter, wasmRouterFor, type RoutedAnswer } from "./wasm/router.js";
export { RouteTableError } from "./wasm/route-table-error.js";
export { METHOD_CODES, type RouterWasmExports } from "./wasm/exports.js";
export { LruCache, type LruCacheOptions, type LruCacheStats } from "./lru-cache.js";
