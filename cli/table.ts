/**
 * Route tables checked by the parser they will be served by: the C++ core
 * in router.wasm (its load_routes export), fed the file's bytes as they are.
 */
import { routerExports, type RouterWasmExports } from "../adapters/wasm/exports.js";

/** A table the parser refused: FILE:LINE: reason. */
export class TableFileError extends Error {
  override readonly name = "TableFileError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** Loads `table` into a fresh instance of `module`; returns its route count, or throws TableFileError. */
export function checkTable(module: WebAssembly.Module, file: string, table: Uint8Array): number {
  const abi = routerExports(new WebAssembly.Instance(module, {}));
  if (loadTable(abi, table) !== 0) {
    const start = abi.load_error_ptr();
    let reason = new TextDecoder().decode(new Uint8Array(abi.memory.buffer, start, abi.load_error_len()));
    const line = abi.load_error_line();
    // The core says "line N: reason"; FILE:N: says it already.
    if (reason.startsWith(`line ${line}: `)) reason = reason.slice(`line ${line}: `.length);
    throw new TableFileError(file, line, reason);
  }
  return abi.route_count();
}

function loadTable(abi: RouterWasmExports, table: Uint8Array): number {
  const ptr = abi.alloc(Math.max(table.length, 1));
  if (ptr === 0) throw new RangeError(`router.wasm cannot hold a table of ${table.length} bytes`);
  new Uint8Array(abi.memory.buffer).set(table, ptr);
  return abi.load_routes(ptr, table.length);
}
