import { createFastWasmFetch, type FastWasmFetch, type FastWasmFetchOptions } from "./fast-fetch.js";

export interface WasmAdapterOptions extends Omit<FastWasmFetchOptions, "instance"> {
  /** router.wasm as a compiled Module (a Worker's `import m from "./router.wasm"`) or its bytes. */
  module: WebAssembly.Module | BufferSource;
}

export interface WasmAdapter extends FastWasmFetch {
  instance: WebAssembly.Instance;
}

/** Compiles (when given bytes) and instantiates router.wasm, then wraps it with createFastWasmFetch. */
export async function createWasmAdapter(options: WasmAdapterOptions): Promise<WasmAdapter> {
  const { module, ...rest } = options;
  const compiled = module instanceof WebAssembly.Module ? module : await WebAssembly.compile(module);
  const instance = await WebAssembly.instantiate(compiled, {});
  const adapter = createFastWasmFetch({ ...rest, instance });
  return Object.assign(adapter, { instance });
}
