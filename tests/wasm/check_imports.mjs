// The interface check every router.wasm build passes before it is written
// (make wasm-emscripten, make wasm-wasi): no imports, so the module
// instantiates with `{}` anywhere, and nothing exported but the memory and
// functions (abi/README.md). Node has no wasm-objdump; the engine's own
// reflection is enough here.
//   node tests/wasm/check_imports.mjs MODULE.wasm...
import { readFileSync } from "node:fs";

let failed = false;
for (const path of process.argv.slice(2)) {
  const module = new WebAssembly.Module(readFileSync(path));
  const imports = WebAssembly.Module.imports(module);
  const extra = WebAssembly.Module.exports(module).filter((e) => e.kind !== "function" && e.name !== "memory");
  if (imports.length > 0) console.error(`${path}: imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
  if (extra.length > 0) console.error(`${path}: exports beyond memory and functions: ${extra.map((e) => `${e.name} (${e.kind})`).join(", ")}`);
  failed ||= imports.length > 0 || extra.length > 0;
}
process.exit(failed ? 1 : 0);
