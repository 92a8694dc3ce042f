import { routerExports, type RouterWasmExports } from "./exports.js";
import { ERROR_CONTENT_TYPE } from "../routing/answer.js";
import { allowText, methodCode } from "../routing/methods.js";
import { RouteTableError } from "./route-table-error.js";

/**
 * What router.wasm answered, read from its response record: the head's
 * fields, and where the body lies in Wasm memory. WasmRouter.route returns
 * the same object every time, refilled: read it before the next call.
 */
export interface RoutedAnswer {
  readonly status: number;
  /** "" when the route declares none (204/304). */
  readonly contentType: string;
  /** Index of contentType in the table's list (stable until the table changes). */
  readonly contentTypeId: number;
  /** Allow as a bit mask (bit 0 GET ... bit 6 OPTIONS); 0 unless 405. */
  readonly allowMask: number;
  /** The Allow header value for 405, else "". */
  readonly allow: string;
  /** A HEAD request: send no body (Content-Length is bodyLength). */
  readonly head: boolean;
  /** The body's place in Wasm memory (WasmRouter.memory), valid until the next call. */
  readonly bodyPtr: number;
  readonly bodyLength: number;
  /** The body: a view into Wasm memory, made when read, valid until the next call. */
  readonly body: Uint8Array;
}

// Offsets (in u32s) of the response record (abi/README.md).
const BODY_PTR = 0;
const BODY_LEN = 1;
const STATUS = 2;
const ALLOW = 3;
const CONTENT_TYPE = 4;
const HEAD = 5;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });  // a leading U+FEFF is text

// The one answer object of a router, refilled by each call.
class RecordAnswer implements RoutedAnswer {
  status = 0;
  contentType = "";
  contentTypeId = 0;
  allowMask = 0;
  allow = "";
  head = false;
  bodyPtr = 0;
  bodyLength = 0;
  readonly #router: WasmRouter;

  constructor(router: WasmRouter) {
    this.#router = router;
  }

  get body(): Uint8Array {
    return this.#router.memory.subarray(this.bodyPtr, this.bodyPtr + this.bodyLength);
  }
}

/**
 * Owns one router.wasm instance: writes request targets into its input
 * buffer, makes the one `route_request` call per request, and reads the
 * answer from the response record, allocating nothing per call (the
 * content types and Allow texts are made once per table).
 */
export class WasmRouter {
  readonly exports: RouterWasmExports;
  #bytes = new Uint8Array(0);
  #record = new Uint32Array(0);
  #input = 0;
  #inputCapacity = 0;
  #contentTypes: string[] = [];
  #generation = -1;
  readonly #answer = new RecordAnswer(this);

  constructor(instance: WebAssembly.Instance) {
    this.exports = routerExports(instance);
    // A module whose built-in table does not load would answer 404 to
    // everything: refuse it, with the table's own error.
    if (this.exports.builtin_routes_status() !== 0) {
      const error = this.#loadError();
      throw new RouteTableError(`router.wasm's built-in route table did not load: ${error.message}`, error.line);
    }
    this.#syncTable();
  }

  /** Routes one request. `target` is the path with its query, as sent. The answer is valid until the next call. */
  route(method: string, target: string): RoutedAnswer {
    const length = this.#writeTarget(target);
    this.exports.route_request(methodCode(method), this.#input, length);
    if (this.#record.length === 0) this.#view();  // memory grew during the call
    const record = this.#record;
    const answer = this.#answer;
    const status = record[STATUS]!;
    const contentTypeId = record[CONTENT_TYPE]!;
    const allowMask = status === 405 ? record[ALLOW]! : 0;
    answer.status = status;
    answer.contentTypeId = contentTypeId;
    answer.contentType = this.#contentTypes[contentTypeId] ?? ERROR_CONTENT_TYPE;
    answer.allowMask = allowMask;
    answer.allow = allowMask === 0 ? "" : allowText(allowMask);
    answer.head = record[HEAD] === 1;
    answer.bodyPtr = record[BODY_PTR]!;
    answer.bodyLength = record[BODY_LEN]!;
    return answer;
  }

  /** Replaces the route table. Throws RouteTableError and keeps the old table. */
  loadRoutes(text: string): void {
    const [ptr, length] = this.writeInput(encoder.encode(text));
    if (this.exports.load_routes(ptr, length) !== 0) {
      const error = this.#loadError();
      throw new RouteTableError(error.message, error.line);
    }
    this.#syncTable();
  }

  #loadError(): { message: string; line: number } {
    const abi = this.exports;
    const start = abi.load_error_ptr();
    return { message: decoder.decode(this.memory.subarray(start, start + abi.load_error_len())), line: abi.load_error_line() };
  }

  /** Goes back to the table compiled into router.wasm. */
  loadBuiltinRoutes(): void {
    if (this.exports.load_builtin_routes() !== 0) throw new RouteTableError("built-in table failed to load", 0);
    this.#syncTable();
  }

  /** Increments whenever the table changes (caches key on it). */
  get generation(): number {
    return this.#generation;
  }

  get routeCount(): number {
    return this.exports.route_count();
  }

  /** The instance's memory as bytes (a view made again when memory grows). */
  get memory(): Uint8Array {
    if (this.#record.length === 0) this.#view();
    return this.#bytes;
  }

  #syncTable(): void {
    const abi = this.exports;
    this.#generation = abi.table_generation();
    const types: string[] = [];
    const bytes = this.memory;
    for (let id = 0, n = abi.content_type_count(); id < n; id++) {
      const ptr = abi.content_type_ptr(id);
      types.push(decoder.decode(bytes.subarray(ptr, ptr + abi.content_type_len(id))));
    }
    this.#contentTypes = types;
  }

  // Wasm memory may grow during any call; growing detaches the old buffer,
  // which empties every view on it. Checking a view's length is cheaper than
  // reading memory.buffer on every request.
  #view(): void {
    const buffer = this.exports.memory.buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#record = new Uint32Array(buffer, this.exports.response_record(), 7);
  }

  /**
   * Copies bytes into the instance's input buffer (grown as needed) and
   * returns [ptr, length]. Valid until the next write.
   */
  writeInput(bytes: Uint8Array): [number, number] {
    const ptr = this.#reserveInput(bytes.length);
    this.memory.set(bytes, ptr);
    return [ptr, bytes.length];
  }

  // One input buffer per instance (alloc's contract: a buffer is valid until
  // the next alloc), grown geometrically so alloc is rarely called.
  #reserveInput(size: number): number {
    if (size > this.#inputCapacity || this.#input === 0) {
      const capacity = Math.max(size, this.#inputCapacity * 2, 1024);
      const ptr = this.exports.alloc(capacity);
      if (ptr === 0) throw new RangeError(`router.wasm could not allocate ${capacity} bytes`);
      this.#input = ptr;
      this.#inputCapacity = capacity;
    }
    return this.#input;
  }

  // Request targets from request.url are ASCII (the URL parser
  // percent-encodes everything else): a plain loop beats encodeInto and its
  // subarray for short strings. Anything else goes through encodeInto.
  #writeTarget(target: string): number {
    const length = target.length;
    const ptr = this.#reserveInput(length * 3);
    const bytes = this.memory;
    for (let i = 0; i < length; i++) {
      const code = target.charCodeAt(i);
      if (code > 0x7f) return encoder.encodeInto(target, bytes.subarray(ptr, ptr + length * 3)).written;
      bytes[ptr + i] = code;
    }
    return length;
  }
}

const routers = new WeakMap<WebAssembly.Instance, WasmRouter>();

/** The one WasmRouter of an instance (adapters on one instance share it). */
export function wasmRouterFor(instance: WebAssembly.Instance): WasmRouter {
  let router = routers.get(instance);
  if (router === undefined) {
    router = new WasmRouter(instance);
    routers.set(instance, router);
  }
  return router;
}
