// Workers (and wrangler, and the vitest workers pool) import .wasm files as
// compiled WebAssembly.Module objects (the CompiledWasm module rule).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
