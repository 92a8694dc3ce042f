// The interface of a wasm module as its binary states it: imports, exports
// with their function signatures, and the memory's limits. WebAssembly.Module
// reflection gives names and kinds only (signatures need the type-reflection
// proposal, not in Node 20), so the few sections that matter are read here.
// Binary format: https://webassembly.github.io/spec/core/binary/modules.html

export interface ModuleInterface {
  imports: string[];               // "module.name (kind)"
  exports: Map<string, string>;    // name -> "func (i32, i32) -> i64", "memory", ...
  memory: { initialPages: number; maximumPages: number | null } | null;  // the first memory
}

const valueTypes: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };
const kinds = ["func", "table", "memory", "global", "tag"];

export function readInterface(bytes: Uint8Array): ModuleInterface {
  let at = 8;  // magic and version
  const byte = (): number => {
    if (at >= bytes.length) throw new Error("truncated module");
    return bytes[at++]!;
  };
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  };
  const name = (): string => {
    const length = u32();
    at += length;
    return new TextDecoder().decode(bytes.subarray(at - length, at));
  };
  const limits = (): { initialPages: number; maximumPages: number | null } => {
    const flags = byte();
    const initialPages = u32();
    return { initialPages, maximumPages: flags & 1 ? u32() : null };
  };

  const types: string[] = [];
  const functionTypes: number[] = [];  // imported functions first, then defined ones
  const imports: string[] = [];
  const exports = new Map<string, string>();
  let memory: ModuleInterface["memory"] = null;
  while (at < bytes.length) {
    const id = byte();
    const size = u32();
    const end = at + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        if (byte() !== 0x60) throw new Error("unknown type form");
        const params = Array.from({ length: u32() }, () => valueTypes[byte()] ?? "?");
        const results = Array.from({ length: u32() }, () => valueTypes[byte()] ?? "?");
        types.push(`(${params.join(", ")}) -> ${results.length ? results.join(", ") : "()"}`);
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const entry = `${name()}.${name()}`;
        const kind = byte();
        imports.push(`${entry} (${kinds[kind] ?? kind})`);
        if (kind === 0) functionTypes.push(u32());
        else if (kind === 1) { byte(); limits(); }
        else if (kind === 2) { memory ??= limits(); }
        else if (kind === 3) { byte(); byte(); }
        else { byte(); u32(); }
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) functionTypes.push(u32());
    } else if (id === 5) {
      const n = u32();
      if (n > 0) memory ??= limits();
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const exported = name();
        const kind = byte();
        const index = u32();
        exports.set(exported, kind === 0 ? `func ${types[functionTypes[index] ?? -1] ?? "?"}` : kinds[kind] ?? String(kind));
      }
    }
    at = end;
  }
  return { imports, exports, memory };
}
