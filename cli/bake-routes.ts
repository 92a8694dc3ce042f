/**
 * `hotpath wasm`: a route table checked, baked into a copy of router.wasm,
 * and the result checked to serve it from its first call.
 */
import { routerExports } from "../adapters/wasm/exports.js";
import { bakeTable, WasmBakeError } from "./bake.js";
import { checkTable } from "./table.js";

/** The baked module's bytes; throws TableFileError for a bad table, WasmBakeError for a module that cannot take one. */
export function bakeRoutes(base: Uint8Array<ArrayBuffer>, file: string, table: Uint8Array): { wasm: Uint8Array<ArrayBuffer>; routes: number } {
  const routes = checkTable(new WebAssembly.Module(base), file, table);
  const wasm = bakeTable(base, table);
  const abi = routerExports(new WebAssembly.Instance(new WebAssembly.Module(wasm), {}));
  if (abi.builtin_routes_status() !== 0 || abi.route_count() !== routes) {
    throw new WasmBakeError(`the baked module does not serve ${file} (built-in table status ${abi.builtin_routes_status()}, ${abi.route_count()} routes)`);
  }
  return { wasm, routes };
}
