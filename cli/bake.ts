/**
 * Bakes a route table into a built router.wasm without a compiler: the
 * module's built-in table is found through its descriptor (abi/README.md,
 * "Built-in table"), so baking appends one active data segment holding
 * [u32 length][table bytes] above every byte the module already uses,
 * repoints the descriptor at it and raises the memory's minimum to cover
 * it. The code is untouched: the module answers exactly as one built by
 * `make wasm ROUTES=` with that table (the same parser reads the same bytes
 * at start). The table is not checked here; see bakeRoutes in wasm.ts.
 */

// abi/builtin_routes.h: HOTPATH_BUILTIN_ROUTES_MAGIC with its NUL, then two u32 addresses.
const MAGIC = new Uint8Array([0xff, ...new TextEncoder().encode("HOTPATH-TABLE1"), 0]);
const DESCRIPTOR_BYTES = MAGIC.length + 8;
const PAGE = 65536;

const SECTION_MEMORY = 5;
const SECTION_DATA = 11;
const SECTION_DATA_COUNT = 12;

export class WasmBakeError extends Error {
  override readonly name = "WasmBakeError";
}

interface Section {
  id: number;
  body: Uint8Array;
}

interface Segment {
  mode: number;  // 0 active (memory 0), 1 passive, 2 active with a memory index
  memory: number;
  offset: number | null;  // for active segments with an i32.const offset
  offsetExpr: Uint8Array;  // the raw expression when it is not i32.const
  bytes: Uint8Array;
}

/** Returns a copy of `module` whose built-in table is `table` (the bytes of a TSV file). */
export function bakeTable(module: Uint8Array, table: Uint8Array): Uint8Array<ArrayBuffer> {
  const sections = readSections(module);
  const memoryIndex = sections.findIndex((s) => s.id === SECTION_MEMORY);
  const dataIndex = sections.findIndex((s) => s.id === SECTION_DATA);
  if (memoryIndex < 0) throw new WasmBakeError("not a router.wasm: it defines no memory (an imported memory cannot be baked into)");
  if (dataIndex < 0) throw new WasmBakeError("not a router.wasm: it has no data section, so no built-in table descriptor");

  const memory = readMemory(sections[memoryIndex]!.body);
  const segments = readSegments(sections[dataIndex]!.body);

  // The descriptor: exactly one, its magic within one active segment.
  let found: { segment: Segment; at: number } | null = null;
  let end = 0;
  for (const segment of segments) {
    if (segment.mode === 1) continue;
    if (segment.offset === null) throw new WasmBakeError("this module places data at computed offsets (a PIC build): it cannot be baked into");
    end = Math.max(end, segment.offset + segment.bytes.length);
    for (let at = indexOf(segment.bytes, MAGIC, 0); at >= 0; at = indexOf(segment.bytes, MAGIC, at + 1)) {
      if (found !== null) throw new WasmBakeError("this module holds two built-in table descriptors: it cannot be baked into");
      found = { segment, at };
    }
  }
  if (found === null) {
    throw new WasmBakeError("this module has no built-in table descriptor: it is not a router.wasm of @hotpath/server 0.2 or later");
  }
  // wasm-opt drops trailing zero bytes from segments (memory is zero there):
  // give them back when they belong to the descriptor.
  const { segment, at } = found;
  if (at + DESCRIPTOR_BYTES > segment.bytes.length) {
    const from = segment.offset! + segment.bytes.length;
    const to = segment.offset! + at + DESCRIPTOR_BYTES;
    if (segments.some((s) => s !== segment && s.offset !== null && s.offset < to && s.offset + s.bytes.length > from)) {
      throw new WasmBakeError("the built-in table descriptor overlaps another data segment: this module cannot be baked into");
    }
    const padded = new Uint8Array(at + DESCRIPTOR_BYTES);
    padded.set(segment.bytes);
    segment.bytes = padded;
  }

  // Above all data, the stack and the heap's start (all within the initial memory).
  const start = Math.max(memory.min * PAGE, align(end, 16));
  const total = start + 4 + table.length;
  const pages = Math.ceil(total / PAGE);
  if (total > 0xffffffff || (memory.max !== null && pages > memory.max)) {
    throw new WasmBakeError(`the table (${table.length} bytes) does not fit in the module's memory (at most ${memory.max ?? 65536} pages of 64 KiB)`);
  }

  const descriptor = found.segment.bytes.slice();
  const view = new DataView(descriptor.buffer, descriptor.byteOffset + found.at + MAGIC.length, 8);
  view.setUint32(0, start + 4, true);  // data
  view.setUint32(4, start, true);      // length
  found.segment.bytes = descriptor;

  const baked = new Uint8Array(4 + table.length);
  new DataView(baked.buffer).setUint32(0, table.length, true);
  baked.set(table, 4);
  segments.push({ mode: 0, memory: 0, offset: start, offsetExpr: new Uint8Array(0), bytes: baked });

  const out = sections.map((section, i) => {
    if (i === memoryIndex) return { id: section.id, body: writeMemory({ ...memory, min: Math.max(memory.min, pages) }) };
    if (i === dataIndex) return { id: section.id, body: writeSegments(segments) };
    if (section.id === SECTION_DATA_COUNT) return { id: section.id, body: uleb(segments.length) };
    return section;
  });
  return writeModule(out);
}

/** The built-in table a module serves from its first call, as its data holds it (null: no descriptor, or it points outside the data). */
export function builtinTableBytes(module: Uint8Array): Uint8Array | null {
  const data = readSections(module).find((s) => s.id === SECTION_DATA);
  if (data === undefined) return null;
  const segments = readSegments(data.body).filter((s) => s.mode !== 1 && s.offset !== null);
  // Initial memory: the segments' bytes, zero elsewhere.
  const read = (address: number, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (const s of segments) {
      const from = Math.max(address, s.offset!);
      const to = Math.min(address + length, s.offset! + s.bytes.length);
      if (from < to) out.set(s.bytes.subarray(from - s.offset!, to - s.offset!), from - address);
    }
    return out;
  };
  const u32 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
  for (const segment of segments) {
    const at = indexOf(segment.bytes, MAGIC, 0);
    if (at < 0) continue;
    const pointers = read(segment.offset! + at + MAGIC.length, 8);
    const length = u32(read(u32(pointers, 4), 4), 0);
    const start = u32(pointers, 0);
    const end = Math.max(...segments.map((s) => s.offset! + s.bytes.length));
    return start + length <= end ? read(start, length) : null;
  }
  return null;
}

// ---- the binary format (WebAssembly core spec, 5.5) --------------------------

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new WasmBakeError("not a WebAssembly module: it ends in the middle of a section");
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new WasmBakeError("not a WebAssembly module: an integer is too long");
    }
    return result;
  }
  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new WasmBakeError("not a WebAssembly module: a section runs past its end");
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function readSections(module: Uint8Array): Section[] {
  if (module.length < 8 || HEADER.some((b, i) => module[i] !== b)) {
    throw new WasmBakeError("not a WebAssembly module (version 1): wrong magic number");
  }
  const r = new Reader(module.subarray(8));
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    sections.push({ id, body: r.take(r.u32()) });
  }
  return sections;
}

function writeModule(sections: Section[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [new Uint8Array(HEADER)];
  for (const s of sections) parts.push(new Uint8Array([s.id]), uleb(s.body.length), s.body);
  return concat(parts);
}

interface Memory {
  flags: number;
  min: number;
  max: number | null;
}

function readMemory(body: Uint8Array): Memory {
  const r = new Reader(body);
  if (r.u32() !== 1) throw new WasmBakeError("this module defines more than one memory: it cannot be baked into");
  const flags = r.byte();
  if (flags !== 0 && flags !== 1) throw new WasmBakeError(`this module's memory is shared or 64-bit (limits flags ${flags}): it cannot be baked into`);
  const min = r.u32();
  return { flags, min, max: flags === 1 ? r.u32() : null };
}

function writeMemory(memory: Memory): Uint8Array {
  return concat([uleb(1), new Uint8Array([memory.flags]), uleb(memory.min), ...(memory.max === null ? [] : [uleb(memory.max)])]);
}

function readSegments(body: Uint8Array): Segment[] {
  const r = new Reader(body);
  const count = r.u32();
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const mode = r.u32();
    if (mode > 2) throw new WasmBakeError(`unknown data segment kind ${mode}`);
    const memory = mode === 2 ? r.u32() : 0;
    let offset: number | null = null;
    let offsetExpr = new Uint8Array(0);
    if (mode !== 1) {
      const exprStart = r.pos;
      if (r.bytes[r.pos] === 0x41) {
        r.pos++;
        offset = sleb32(r);
        if (r.byte() !== 0x0b) offset = null;
      }
      if (offset === null) {
        // Not "i32.const N end": keep it as it is (such modules are refused above).
        r.pos = exprStart;
        while (r.byte() !== 0x0b);
      } else {
        offset >>>= 0;
      }
      offsetExpr = r.bytes.slice(exprStart, r.pos);
    }
    segments.push({ mode, memory, offset, offsetExpr, bytes: r.take(r.u32()) });
  }
  return segments;
}

function writeSegments(segments: Segment[]): Uint8Array {
  const parts: Uint8Array[] = [uleb(segments.length)];
  for (const s of segments) {
    parts.push(uleb(s.mode));
    if (s.mode === 2) parts.push(uleb(s.memory));
    if (s.mode !== 1) parts.push(s.offset === null ? s.offsetExpr : concat([new Uint8Array([0x41]), sleb(s.offset | 0), new Uint8Array([0x0b])]));
    parts.push(uleb(s.bytes.length), s.bytes);
  }
  return concat(parts);
}

function sleb32(r: Reader): number {
  let result = 0;
  let shift = 0;
  let b: number;
  do {
    b = r.byte();
    result |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80 && shift < 35);
  if (shift < 32 && b & 0x40) result |= -1 << shift;
  return result;
}

function uleb(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return new Uint8Array(out);
}

function sleb(value: number): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const b = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (b & 0x40) === 0) || (value === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return new Uint8Array(out);
    }
    out.push(b | 0x80);
  }
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
