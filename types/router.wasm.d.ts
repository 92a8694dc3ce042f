// @hotpath/server/router.wasm: the router module (zero imports, the table of
// bench/c-core.tsv built in), as Workers and bundlers with a CompiledWasm
// rule import it. Its exports are specified in abi/README.md.
declare const module: WebAssembly.Module;
export default module;
