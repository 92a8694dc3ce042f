// `hotpath check` (cli/table.ts): tables checked by the parser that serves
// them, router.wasm's load_routes, fed the file's bytes; every table-error
// vector comes out as FILE:LINE: reason with the vector's line.
import { describe, expect, it } from "vitest";

import { checkTable, TableFileError } from "../../../cli/table.js";
import { tableErrorVectors, tableFiles, wasmBytes } from "../support/node-files.js";

const module = new WebAssembly.Module(wasmBytes);
const encode = (text: string) => new TextEncoder().encode(text);

describe("hotpath check", () => {
  it.each(Object.entries(tableFiles))("%s loads", (_name, text) => {
    expect(checkTable(module, "t.tsv", encode(text))).toBeGreaterThan(0);
  });

  it.each(tableErrorVectors.map((v) => [v.id, v] as const))("%s: FILE:LINE: reason", (_id, v) => {
    let error: unknown;
    try {
      checkTable(module, "routes.tsv", encode(v.table));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TableFileError);
    const e = error as TableFileError;
    expect(e.line).toBe(v.line);
    expect(e.message.startsWith(`routes.tsv:${v.line}: `)).toBe(true);
    expect(e.message).toContain(v.message_contains);
    expect(e.reason).not.toMatch(/^line \d+:/);  // said once, as FILE:LINE
  });

  it("checks bytes as they are: invalid UTF-8 is the parser's to refuse, not replaced", () => {
    const bytes = new Uint8Array([...encode("GET\t/\t200\ttext/plain\t"), 0xff, 0x0a]);
    expect(() => checkTable(module, "bin.tsv", bytes)).toThrow(TableFileError);
  });
});
