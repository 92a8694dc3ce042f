// The router.wasm modules a benchmark runs: WASM names one or several,
// [name=]path separated by spaces or commas (default build/router.wasm), e.g.
//   WASM="default=build/router.wasm emscripten=build/wasm-emscripten/router.wasm"
// Shared by bench/wasm-abi.mjs and bench/fetch.mjs.
export function wasmModules(env = process.env) {
  const spec = env.WASM ?? new URL("../build/router.wasm", import.meta.url).pathname;
  const modules = spec
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf("=");
      return at > 0 ? { name: entry.slice(0, at), path: entry.slice(at + 1) } : { name: entry, path: entry };
    });
  if (modules.length === 0) throw new Error("WASM names no module");
  return modules;
}
