/**
 * The frames of the fallback protocol (native/fallback-protocol.md): the
 * request frames hotpath-server sends to a fallback and the response
 * frames the fallback sends back. A frame is a u32 little-endian length N,
 * then N bytes whose first is the frame's type; strings are a u16 (names)
 * or u32 (values, bodies) length and their bytes.
 *
 * No runtime API beyond the language (no node: import): the codec runs
 * anywhere, and is fuzzed as it is (tests/ts/fallback/frames-fuzz.test.ts).
 * Method, target and header fields are byte strings (latin1: one char per
 * byte, as the Fetch Headers hold them); parameter names and values are
 * UTF-8, as the router decoded them.
 */

export const REQUEST_FRAME = 1;
export const RESPONSE_FRAME = 2;
/** The most a frame's length can say (a u32). */
export const MAX_FRAME_LENGTH = 0xffff_ffff;

export type Field = readonly [name: string, value: string];

export interface RequestFrame {
  id: number;
  /** The route's index in the table (Route::index, PROXY lines included). */
  route: number;
  method: string;
  /** Origin form: path and query. */
  target: string;
  /** The client's fields, in order, names as sent. */
  headers: Field[];
  /** The route's parameters in path order, decoded. */
  params: Field[];
  body: Uint8Array;
}

export interface ResponseFrame {
  id: number;
  status: number;
  headers: Field[];
  body: Uint8Array;
}

/** A frame that does not decode: the stream it came from cannot be trusted any further. */
export class FrameError extends Error {
  override name = "FrameError";
}

const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

// ---- reading --------------------------------------------------------------------

/** Reads one frame's fields, each checked against the bytes the frame has. */
class Reader {
  #at = 0;
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array, private readonly what: string) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.#at;
  }

  #need(n: number, field: string): void {
    if (this.left < n) throw new FrameError(`${this.what} frame cut short in its ${field} (${n} bytes needed, ${this.left} left)`);
  }

  u8(field: string): number {
    this.#need(1, field);
    return this.#view.getUint8(this.#at++);
  }

  u16(field: string): number {
    this.#need(2, field);
    const v = this.#view.getUint16(this.#at, true);
    this.#at += 2;
    return v;
  }

  u32(field: string): number {
    this.#need(4, field);
    const v = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return v;
  }

  take(n: number, field: string): Uint8Array {
    this.#need(n, field);
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  name(field: string): Uint8Array {
    return this.take(this.u16(`${field} length`), field);
  }

  value(field: string): Uint8Array {
    return this.take(this.u32(`${field} length`), field);
  }

  /** A count, then that many (u16 name, u32 value) pairs. */
  fields(field: string, decode: (bytes: Uint8Array) => string): Field[] {
    const count = this.u16(`${field} count`);
    // Six bytes per pair at least: a count that cannot fit fails at once.
    if (count * 6 > this.left) throw new FrameError(`${this.what} frame: ${count} ${field} cannot fit in the ${this.left} bytes left`);
    const out: Field[] = [];
    for (let i = 0; i < count; ++i) {
      const name = decode(this.name(`${field} name`));
      out.push([name, decode(this.value(`${field} value`))]);
    }
    return out;
  }

  end(): void {
    if (this.left !== 0) throw new FrameError(`${this.what} frame has ${this.left} bytes after its body`);
  }
}

/** Bytes as a byte string (latin1): one char per byte. */
export function latin1(bytes: Uint8Array): string {
  // Names and values are short: a plain loop beats spreading into
  // String.fromCharCode there; long ones go 8 KiB at a time.
  if (bytes.length <= 64) {
    let out = "";
    for (let i = 0; i < bytes.length; ++i) out += String.fromCharCode(bytes[i]!);
    return out;
  }
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function utf8(bytes: Uint8Array): string {
  // ASCII (most parameters) is its own latin1; TextDecoder for the rest.
  if (bytes.length <= 64) {
    let ascii = true;
    for (let i = 0; i < bytes.length && ascii; ++i) ascii = bytes[i]! < 0x80;
    if (ascii) return latin1(bytes);
  }
  return utf8Decoder.decode(bytes);
}

function typeOf(payload: Uint8Array, want: number, what: string): void {
  if (payload.length === 0) throw new FrameError(`empty ${what} frame`);
  if (payload[0] !== want) throw new FrameError(`not a ${what} frame: type ${payload[0]}, expected ${want}`);
}

/** Decodes one request frame's N bytes (the length prefix already taken off). */
export function decodeRequestFrame(payload: Uint8Array): RequestFrame {
  typeOf(payload, REQUEST_FRAME, "request");
  const r = new Reader(payload.subarray(1), "request");
  const id = r.u32("id");
  const route = r.u32("route");
  const method = latin1(r.name("method"));
  const target = latin1(r.value("target"));
  const headers = r.fields("header fields", latin1);
  const params = r.fields("parameters", utf8);
  const body = r.value("body");
  r.end();
  return { id, route, method, target, headers, params, body };
}

/** Decodes one response frame's N bytes (the length prefix already taken off). */
export function decodeResponseFrame(payload: Uint8Array): ResponseFrame {
  typeOf(payload, RESPONSE_FRAME, "response");
  const r = new Reader(payload.subarray(1), "response");
  const id = r.u32("id");
  const status = r.u16("status");
  const headers = r.fields("header fields", latin1);
  const body = r.value("body");
  r.end();
  return { id, status, headers, body };
}

/**
 * Cuts a byte stream into frames: push() the bytes as they arrive; each
 * frame that became whole (its N bytes, prefix taken off) goes to `each`,
 * in order. Throws FrameError for a frame longer than `maxFrameBytes`, as
 * soon as its length is in and before any of it is buffered, after every
 * frame before it went to `each`: whatever the reads, the same frames,
 * then the same error. The stream is lost after an error (from here or
 * from `each`).
 */
export class FrameSplitter {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #need = -1;  // the current frame's N, once its prefix is in

  constructor(private readonly maxFrameBytes = MAX_FRAME_LENGTH) {}

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.#size;
  }

  push(chunk: Uint8Array, each: (frame: Uint8Array) => void): void {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    for (;;) {
      if (this.#need < 0) {
        if (this.#size < 4) return;
        const prefix = this.#take(4);
        const n = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0, true);
        if (n > this.maxFrameBytes) throw new FrameError(`frame of ${n} bytes is over the limit of ${this.maxFrameBytes}`);
        this.#need = n;
      }
      if (this.#size < this.#need) return;
      const frame = this.#take(this.#need);
      this.#need = -1;
      each(frame);
    }
  }

  /** The next n bytes: a view when one chunk holds them, else a copy. */
  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (n === 0) return new Uint8Array(0);
    this.#size -= n;
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, part), at);
      at += part;
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}

// ---- writing --------------------------------------------------------------------

/** A byte string (latin1) as bytes; a char above U+00FF cannot be one byte. */
export function latin1Bytes(text: string, what: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; ++i) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new FrameError(`${what} ${JSON.stringify(text.slice(0, 40))} has a character above U+00FF`);
    out[i] = c;
  }
  return out;
}

class Writer {
  readonly parts: Uint8Array[] = [];
  size = 0;

  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  u8(v: number): void {
    this.bytes(Uint8Array.of(v));
  }

  u16(v: number): void {
    this.bytes(Uint8Array.of(v & 0xff, (v >>> 8) & 0xff));
  }

  u32(v: number): void {
    this.bytes(Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff));
  }

  name(b: Uint8Array, what: string): void {
    if (b.length > 0xffff) throw new FrameError(`${what} of ${b.length} bytes is over 65535`);
    this.u16(b.length);
    this.bytes(b);
  }

  value(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  fields(fields: readonly Field[], encode: (text: string, what: string) => Uint8Array): void {
    if (fields.length > 0xffff) throw new FrameError(`${fields.length} fields are over 65535`);
    this.u16(fields.length);
    for (const [name, value] of fields) {
      this.name(encode(name, "field name"), "field name");
      this.value(encode(value, "field value"));
    }
  }

  /** The frame: its length prefix, then everything written. */
  frame(): Uint8Array {
    if (this.size > MAX_FRAME_LENGTH) throw new FrameError(`frame of ${this.size} bytes is over the protocol's ${MAX_FRAME_LENGTH}`);
    const out = new Uint8Array(4 + this.size);
    new DataView(out.buffer).setUint32(0, this.size, true);
    let at = 4;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

const utf8Bytes = (text: string): Uint8Array => utf8Encoder.encode(text);

function putLatin1(out: Uint8Array, at: number, text: string, what: string): number {
  for (let i = 0; i < text.length; ++i) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new FrameError(`${what} ${JSON.stringify(text.slice(0, 40))} has a character above U+00FF`);
    out[at + i] = c;
  }
  return at + text.length;
}

/**
 * A whole response frame, prefix included: sized first, then written into
 * one buffer (the fallback's hot path: one allocation per answer).
 */
export function encodeResponseFrame(frame: ResponseFrame): Uint8Array {
  const { id, status, headers, body } = frame;
  if (!Number.isInteger(status) || status < 0 || status > 0xffff) throw new FrameError(`status ${status} is not a u16`);
  if (headers.length > 0xffff) throw new FrameError(`${headers.length} fields are over 65535`);
  let size = 1 + 4 + 2 + 2 + 4 + body.length;
  for (const [name, value] of headers) {
    if (name.length > 0xffff) throw new FrameError(`field name of ${name.length} bytes is over 65535`);
    size += 6 + name.length + value.length;
  }
  if (size > MAX_FRAME_LENGTH) throw new FrameError(`frame of ${size} bytes is over the protocol's ${MAX_FRAME_LENGTH}`);
  const out = new Uint8Array(4 + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, size, true);
  out[4] = RESPONSE_FRAME;
  view.setUint32(5, id >>> 0, true);
  view.setUint16(9, status, true);
  view.setUint16(11, headers.length, true);
  let at = 13;
  for (const [name, value] of headers) {
    view.setUint16(at, name.length, true);
    at = putLatin1(out, at + 2, name, "field name");
    view.setUint32(at, value.length, true);
    at = putLatin1(out, at + 4, value, "field value");
  }
  view.setUint32(at, body.length, true);
  out.set(body, at + 4);
  return out;
}

/** A whole request frame, prefix included (the server's side: for tests and tools). */
export function encodeRequestFrame(frame: RequestFrame): Uint8Array {
  const w = new Writer();
  w.u8(REQUEST_FRAME);
  w.u32(frame.id);
  w.u32(frame.route);
  w.name(latin1Bytes(frame.method, "method"), "method");
  w.value(latin1Bytes(frame.target, "target"));
  w.fields(frame.headers, latin1Bytes);
  w.fields(frame.params, utf8Bytes);
  w.value(frame.body);
  return w.frame();
}
