import { routerExports, type RouterWasmExports } from "./exports.js";
import { ERROR_CONTENT_TYPE } from "../routing/answer.js";
import { ALLOW_ORDER, allowText, methodCode } from "../routing/methods.js";
import { RouteTableError } from "./route-table-error.js";
import { propertyKey } from "../routing/property-key.js";

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
  /** A handler route the directives let through: the host's handler answers (status is 0, no body). */
  readonly handler: boolean;
  /** The route that matched (WasmRouter.route* metadata), or -1 for the router's own answers (400, 404, 405, 414). */
  readonly route: number;
  /** The directives' fields for this answer (WasmRouter.headerFields), 0 for none. */
  readonly headerSet: number;
  /** A preflight's echoed Access-Control-Allow-Headers value ("" for none), as a byte string. */
  readonly echo: string;
  /** The matched route's parameters (read them with WasmRouter.params). */
  readonly paramCount: number;
}

/** A route's parameter names (as in the TypeScript router: a bare * has none) and how to hold them. */
interface ParamShape {
  /** For each capture in path order, its name, or "" for a bare *. */
  readonly names: readonly string[];
  /** A name is "__proto__": the params get a null prototype, so it stays an own key. */
  readonly nullProto: boolean;
}

/** [name, value] lines of a header set, values as byte strings. */
export type WasmHeaderFields = readonly (readonly [string, string])[];

// Offsets (in u32s) of the response record (abi/README.md).
const BODY_PTR = 0;
const BODY_LEN = 1;
const STATUS = 2;
const ALLOW = 3;
const CONTENT_TYPE = 4;
const HEAD = 5;
const ROUTE = 7;
const HANDLER = 8;
const HEADER_SET = 9;
const ECHO_PTR = 10;
const ECHO_LEN = 11;
const PARAM_COUNT = 12;
const PARAMS_PTR = 13;
const RECORD_WORDS = 14;
const NO_ROUTE = 0xffffffff;
const ABSENT = 0xffffffff;

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
  handler = false;
  route = -1;
  headerSet = 0;
  echo = "";
  paramCount = 0;
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
  #words = new Uint32Array(0);
  #record = new Uint32Array(0);
  #input = 0;
  #inputCapacity = 0;
  // The input buffer as a view, for encodeInto: emptied when the buffer
  // moves, detached (length 0) when memory grows; made again when empty.
  #inputView = new Uint8Array(0);
  #contentTypes: string[] = [];
  #generation = -1;
  #needed: string[] = [];
  #fields = new Map<number, WasmHeaderFields>();
  #shapes: (ParamShape | undefined)[] = [];
  // The target of the last route() when it went in as one byte per char
  // (ASCII), else null: a parameter the core did not decode is a slice of
  // the target's bytes, so params() slices this string instead of decoding.
  #asciiTarget: string | null = null;
  // Runs before the next call reuses the memory that parameter values live in.
  #beforeReuse: (() => void) | null = null;
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

  /**
   * Routes one request. `target` is the path with its query, as sent;
   * `values`: the request's value of each neededHeaders name (null when
   * absent; fields of one name joined by ", ", as Headers.get gives them),
   * for a table whose directives read headers. The answer is valid until
   * the next call.
   */
  route(method: string, target: string, values: readonly (string | null)[] | null = null): RoutedAnswer {
    if (this.#beforeReuse !== null) this.#reuse();
    const length = this.#writeTarget(target);
    this.#asciiTarget = length === target.length ? target : null;
    if (this.#needed.length === 0) {
      this.exports.route_request(methodCode(method), this.#input, length);
    } else {
      const blockLength = this.#writeHeaderBlock(length, values);
      this.exports.route_request_headers(methodCode(method), this.#input, length, this.#input + length, blockLength);
    }
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
    const route = record[ROUTE]!;
    answer.route = route === NO_ROUTE ? -1 : route;
    answer.handler = record[HANDLER] === 1;
    answer.headerSet = record[HEADER_SET]!;
    const echoLength = record[ECHO_LEN]!;
    answer.echo = echoLength === 0 ? "" : latin1(this.#bytes, record[ECHO_PTR]!, echoLength);
    answer.paramCount = record[PARAM_COUNT]!;
    return answer;
  }

  /** Lowercase names of the request headers the table's directives read (route's `values`), in order. */
  get neededHeaders(): readonly string[] {
    return this.#needed;
  }

  /**
   * The parameters of the last answer (route `route`, as it reported),
   * decoded from Wasm memory: valid until the next call, so read them
   * before it (or through holdUntilReuse).
   */
  params(route: number): Readonly<Record<string, string>> {
    const shape = this.#shapes[route] ?? this.#shape(route);
    const record = this.#record.length === 0 ? (this.#view(), this.#record) : this.#record;
    const count = Math.min(record[PARAM_COUNT]!, shape.names.length);
    const out: Record<string, string> = shape.nullProto ? (Object.create(null) as Record<string, string>) : {};
    const pairs = record[PARAMS_PTR]! >>> 2;
    const words = this.#words;
    const bytes = this.#bytes;
    const ascii = this.#asciiTarget;
    const input = this.#input;
    const end = ascii === null ? input : input + ascii.length;
    for (let i = 0; i < count; i++) {
      const name = shape.names[i]!;
      if (name === "") continue;  // a bare * is no parameter
      const ptr = words[pairs + 2 * i]!;
      const length = words[pairs + 2 * i + 1]!;
      // Inside the target's bytes: undecoded (decoded values live in the
      // core's scratch buffer), so the same chars as the target's there.
      if (length === 0) out[name] = "";
      else out[name] = ptr >= input && ptr + length <= end ? ascii!.slice(ptr - input, ptr - input + length) : utf8(bytes, ptr, length);
    }
    return out;
  }

  /**
   * `fn` runs before the next call reuses the memory the last answer's
   * parameters and echo live in (once; a later call of this replaces it).
   */
  holdUntilReuse(fn: (() => void) | null): void {
    this.#beforeReuse = fn;
  }

  #reuse(): void {
    const fn = this.#beforeReuse!;
    this.#beforeReuse = null;
    fn();
  }

  /** The fields of a header set (record's header_set), decoded once per table; values as byte strings. */
  headerFields(set: number): WasmHeaderFields {
    if (set === 0) return NO_FIELDS;
    let fields = this.#fields.get(set);
    if (fields === undefined) {
      const lines: (readonly [string, string])[] = [];
      const packed = this.exports.header_set_text(set);
      const ptr = Number(packed >> 32n);
      const text = latin1(this.memory, ptr, Number(packed & 0xffffffffn));
      for (const line of text.split("\n")) {
        if (line === "") continue;
        const colon = line.indexOf(": ");
        lines.push([line.slice(0, colon), line.slice(colon + 2)] as const);
      }
      fields = Object.freeze(lines);
      this.#fields.set(set, fields);
    }
    return fields;
  }

  /** Route `i`: 0 a reply route, 1 a handler route, 2 no such route. */
  routeKind(route: number): number {
    return this.exports.route_kind(route);
  }

  /** Route `i`'s method as written (GET ... OPTIONS, ANY). */
  routeMethod(route: number): string {
    const slot = this.exports.route_method(route);
    return slot === 7 ? "ANY" : ALLOW_ORDER[slot] ?? "";
  }

  /** Route `i`'s path as written. */
  routePath(route: number): string {
    return this.#text(this.exports.route_path(route));
  }

  /** Route `i`'s line in the table. */
  routeLine(route: number): number {
    return this.exports.route_line(route);
  }

  #shape(route: number): ParamShape {
    const names: string[] = [];
    for (let i = 0, n = this.exports.route_param_count(route); i < n; i++) names.push(propertyKey(this.#text(this.exports.route_param_name(route, i))));
    const shape = { names, nullProto: names.includes("__proto__") };
    this.#shapes[route] = shape;
    return shape;
  }

  #text(packed: bigint): string {
    const ptr = Number(packed >> 32n);
    return decoder.decode(this.memory.subarray(ptr, ptr + Number(packed & 0xffffffffn)));
  }

  // The header block of route_request_headers, after the target in the
  // input buffer: per needed header a u32 LE length (ABSENT: no such field),
  // then its bytes (a byte string's chars are its bytes).
  #writeHeaderBlock(at: number, values: readonly (string | null)[] | null): number {
    const names = this.#needed;
    let size = 0;
    for (let i = 0; i < names.length; i++) size += 4 + (values?.[i]?.length ?? 0) * 3;
    const ptr = this.#reserveInput(at + size, at);
    const bytes = this.memory;
    let p = ptr + at;
    for (let i = 0; i < names.length; i++) {
      const value = values?.[i] ?? null;
      let n = ABSENT;
      const lengthAt = p;
      p += 4;
      if (value !== null) {
        const start = p;
        for (let k = 0; k < value.length; k++) {
          const code = value.charCodeAt(k);
          if (code <= 0xff) bytes[p++] = code;
          else p += encoder.encodeInto(value.slice(k, k + 1), bytes.subarray(p, p + 3)).written;  // never in Fetch Headers
        }
        n = p - start;
      }
      bytes[lengthAt] = n & 0xff;
      bytes[lengthAt + 1] = (n >>> 8) & 0xff;
      bytes[lengthAt + 2] = (n >>> 16) & 0xff;
      bytes[lengthAt + 3] = n >>> 24;
    }
    return p - ptr - at;
  }

  /** Replaces the route table. Throws RouteTableError and keeps the old table. */
  loadRoutes(text: string): void {
    const [ptr, length] = this.writeInput(encoder.encode(text));  // parameters and echo held first
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
    if (this.#beforeReuse !== null) this.#reuse();
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
    const needed: string[] = [];
    for (let i = 0, n = abi.needed_header_count(); i < n; i++) {
      const ptr = abi.needed_header_ptr(i);
      needed.push(decoder.decode(this.memory.subarray(ptr, ptr + abi.needed_header_len(i))));
    }
    this.#needed = needed;
    this.#fields = new Map();
    this.#shapes = [];
  }

  // Wasm memory may grow during any call; growing detaches the old buffer,
  // which empties every view on it. Checking a view's length is cheaper than
  // reading memory.buffer on every request.
  #view(): void {
    const buffer = this.exports.memory.buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#record = new Uint32Array(buffer, this.exports.response_record(), RECORD_WORDS);
  }

  /**
   * Copies bytes into the instance's input buffer (grown as needed) and
   * returns [ptr, length]. Valid until the next write.
   */
  writeInput(bytes: Uint8Array): [number, number] {
    if (this.#beforeReuse !== null) this.#reuse();
    this.#asciiTarget = null;  // the input buffer no longer holds it
    const ptr = this.#reserveInput(bytes.length);
    this.memory.set(bytes, ptr);
    return [ptr, bytes.length];
  }

  // One input buffer per instance (alloc's contract: a buffer is valid until
  // the next alloc), grown geometrically so alloc is rarely called. `keep`
  // bytes at its start are carried over when it moves.
  #reserveInput(size: number, keep = 0): number {
    if (size > this.#inputCapacity || this.#input === 0) {
      const capacity = Math.max(size, this.#inputCapacity * 2, 1024);
      const kept = keep > 0 ? this.memory.slice(this.#input, this.#input + keep) : null;
      const ptr = this.exports.alloc(capacity);
      if (ptr === 0) throw new RangeError(`router.wasm could not allocate ${capacity} bytes`);
      this.#input = ptr;
      this.#inputView = new Uint8Array(0);
      this.#inputCapacity = capacity;
      if (kept !== null) this.memory.set(kept, ptr);
    }
    return this.#input;
  }

  // Request targets from request.url are ASCII (the URL parser
  // percent-encodes everything else). Reading a string a char at a time
  // costs about 2 ns a char in V8 and 1.5 in JavaScriptCore, encodeInto a
  // fixed 25-60 ns (its result object, the call): a loop for short targets,
  // encodeInto from LOOP_TARGET_LENGTH on, and for anything not ASCII.
  #writeTarget(target: string): number {
    const length = target.length;
    const ptr = this.#reserveInput(length * 3);
    if (length >= LOOP_TARGET_LENGTH) return this.#encodeTarget(target);
    const bytes = this.memory;
    for (let i = 0; i < length; i++) {
      const code = target.charCodeAt(i);
      if (code > 0x7f) return this.#encodeTarget(target);
      bytes[ptr + i] = code;
    }
    return length;
  }

  // UTF-8 into the input buffer (reserved for 3 bytes a char).
  #encodeTarget(target: string): number {
    let view = this.#inputView;
    if (view.length === 0) view = this.#inputView = new Uint8Array(this.exports.memory.buffer, this.#input, this.#inputCapacity);
    return encoder.encodeInto(target, view).written;
  }
}

// Below this many chars a target is copied by a loop, from it on by encodeInto
// (about where the two cost the same, in Node 20 and in Bun).
const LOOP_TARGET_LENGTH = 24;

const NO_FIELDS: WasmHeaderFields = Object.freeze([]);

// A byte string of memory: one char per byte (header values are bytes).
function latin1(bytes: Uint8Array, ptr: number, length: number): string {
  let out = "";
  for (let i = ptr, end = ptr + length; i < end; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

// UTF-8 text of memory; ASCII, the usual parameter, without the decoder.
function utf8(bytes: Uint8Array, ptr: number, length: number): string {
  let out = "";
  for (let i = ptr, end = ptr + length; i < end; i++) {
    const byte = bytes[i]!;
    if (byte > 0x7f) return decoder.decode(bytes.subarray(ptr, end));
    out += String.fromCharCode(byte);
  }
  return out;
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
