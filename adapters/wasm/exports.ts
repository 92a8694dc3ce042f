/**
 * The exports of router.wasm, as specified in abi/README.md.
 */
import { ALLOW_ORDER } from "../routing/methods.js";

export interface RouterWasmExports {
  memory: WebAssembly.Memory;
  // Fast ABI (as @hotpath/server 0.1.0)
  alloc(size: number): number;
  handle_path(ptr: number, len: number): bigint;
  response_ptr(): number;
  response_len(): number;
  response_status(): number;
  // Fast ABI extensions
  route_request(method: number, ptr: number, len: number): number;
  response_record(): number;
  content_type_count(): number;
  content_type_ptr(id: number): number;
  content_type_len(id: number): number;
  table_generation(): number;
  route_count(): number;
  route_request_headers(method: number, ptr: number, len: number, headersPtr: number, headersLen: number): number;
  // Directives and handler routes
  needed_header_count(): number;
  needed_header_ptr(i: number): number;
  needed_header_len(i: number): number;
  header_set_text(id: number): bigint;
  route_kind(route: number): number;
  route_method(route: number): number;
  route_path(route: number): bigint;
  route_line(route: number): number;
  route_param_count(route: number): number;
  route_param_name(route: number, i: number): bigint;
  // Run-time route tables
  load_routes(ptr: number, len: number): number;
  load_builtin_routes(): number;
  /** 0: the built-in table loaded at start; 1: it did not (load_error_* say why), and every path answers 404. */
  builtin_routes_status(): number;
  load_error_line(): number;
  load_error_ptr(): number;
  load_error_len(): number;
  // Compatibility ABI
  handle(ptr: number, len: number): bigint;
}

const REQUIRED: readonly (keyof RouterWasmExports)[] = [
  "memory", "alloc", "handle_path", "response_ptr", "response_len", "response_status",
  "route_request", "response_record", "content_type_count", "content_type_ptr", "content_type_len",
  "table_generation", "route_count", "load_routes", "load_builtin_routes", "builtin_routes_status", "load_error_line",
  "load_error_ptr", "load_error_len", "handle",
  // The 14-field response record comes with these: a module without them has a shorter record.
  "route_request_headers", "needed_header_count", "needed_header_ptr", "needed_header_len", "header_set_text",
  "route_kind", "route_method", "route_path", "route_line", "route_param_count", "route_param_name",
];

/** Checks that an instance is a Hotpath router.wasm and returns its exports. */
export function routerExports(instance: WebAssembly.Instance): RouterWasmExports {
  const exports = instance.exports as unknown as Partial<RouterWasmExports>;
  const missing = REQUIRED.filter((name) => exports[name] === undefined);
  if (missing.length > 0) {
    throw new TypeError(`not a Hotpath router.wasm instance: missing exports ${missing.join(", ")}`);
  }
  return exports as RouterWasmExports;
}

/**
 * Request method codes of route_request (abi/README.md): the Allow order,
 * any other method is OTHER_METHOD. A null-prototype object, so that
 * METHOD_CODES["constructor"] is undefined like any unknown method (the
 * adapters themselves use methodCode, never a property lookup).
 */
export const METHOD_CODES: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, number>, Object.fromEntries(ALLOW_ORDER.map((method, code) => [method, code]))),
);

export { ALLOW_ORDER, OTHER_METHOD, methodCode } from "../routing/methods.js";
