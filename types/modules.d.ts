// Module shapes of a Worker project that uses @hotpath/server, as wrangler
// loads them (the rules `hotpath init worker` writes into wrangler.toml):
// .wasm files as compiled modules (CompiledWasm), .tsv route tables as text
// (Text). Add "@hotpath/server/modules" to compilerOptions.types.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

declare module "*.tsv" {
  const text: string;
  export default text;
}
