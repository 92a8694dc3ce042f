// What wrangler's module rules give the bench Worker.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.tsv" {
  const text: string;
  export default text;
}
