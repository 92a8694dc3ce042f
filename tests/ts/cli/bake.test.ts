// Baking a table into a built router.wasm without a compiler (cli/bake.ts,
// abi/README.md "Built-in table"), on the real build/router.wasm: the baked
// module serves the table from its first call exactly as run-time loading
// does, and a module whose built-in table does not load says so
// (builtin_routes_status, and RouteTableError from every adapter), never
// answering 404 in silence. (tests/package compares with `make wasm ROUTES=`.)
import { describe, expect, it } from "vitest";

import { createFastWasmFetch, createWasmAdapter, createWasmFetch, RouteTableError, type RouterWasmExports } from "../../../adapters/wasm.js";
import { bakeRoutes } from "../../../cli/bake-routes.js";
import { bakeTable, builtinTableBytes, WasmBakeError } from "../../../cli/bake.js";
import { TableFileError } from "../../../cli/table.js";
import { routingVectors, tableFiles, wasmBytes } from "../support/node-files.js";
import { fetchSkipReason, tableOf } from "../support/vectors.js";

const encode = (text: string) => new TextEncoder().encode(text);
const instantiate = (bytes: Uint8Array<ArrayBuffer>) => new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
const abiOf = (instance: WebAssembly.Instance) => instance.exports as unknown as RouterWasmExports;

async function answer(fetch: (r: Request) => Response | Promise<Response>, method: string, path: string) {
  const r = await fetch(new Request(`http://bake.test${path}`, { method }));
  return { status: r.status, headers: [...r.headers], body: await r.text() };
}

describe("hotpath wasm: a table baked into router.wasm", () => {
  const tables = new Map<string, string[]>();  // table text -> paths of its fetchable vectors
  for (const v of routingVectors.filter((v) => fetchSkipReason(v) === null)) {
    const text = tableOf(v, tableFiles);
    tables.set(text, [...(tables.get(text) ?? []), `${v.request.method} ${v.request.path}`]);
  }

  it.each([...tables.entries()].map(([text, requests], i) => [`vector table ${i + 1}`, text, requests] as const))(
    "%s: answers as the same table loaded at run time, from the first call",
    async (_name, text, requests) => {
      const { wasm, routes } = bakeRoutes(wasmBytes, "t.tsv", encode(text));
      const baked = abiOf(instantiate(wasm));
      expect(baked.builtin_routes_status()).toBe(0);
      expect(baked.route_count()).toBe(routes);
      expect(baked.table_generation()).toBe(1);  // the built-in table, nothing loaded after it
      expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(builtinTableBytes(wasm)!)).toBe(text);  // byte for byte, a BOM too
      const bakedFetch = createFastWasmFetch({ instance: instantiate(wasm), cache: false }).fetch;
      const bakedCompat = createWasmFetch({ instance: instantiate(wasm) }).fetch;
      const runTime = instantiate(wasmBytes);
      const loaded = createFastWasmFetch({ instance: runTime, routes: text, cache: false }).fetch;
      const loadedCompat = createWasmFetch({ instance: runTime }).fetch;  // the same instance, its table loaded
      for (const request of requests) {
        const method = request.slice(0, request.indexOf(" "));
        const path = request.slice(request.indexOf(" ") + 1);
        expect(await answer(bakedFetch, method, path), request).toEqual(await answer(loaded, method, path));
        expect(await answer(bakedCompat, method, path), request).toEqual(await answer(loadedCompat, method, path));
      }
    },
  );

  it("load_builtin_routes goes back to the baked table, not the one compiled in", () => {
    const abi = abiOf(instantiate(bakeRoutes(wasmBytes, "t.tsv", encode("GET\t/only\t200\ttext/plain\tonly\n")).wasm));
    expect(abi.route_count()).toBe(1);
    const text = encode("GET\t/a\t200\ttext/plain\ta\nGET\t/b\t200\ttext/plain\tb\n");
    const ptr = abi.alloc(text.length);
    new Uint8Array(abi.memory.buffer).set(text, ptr);
    expect(abi.load_routes(ptr, text.length)).toBe(0);
    expect(abi.route_count()).toBe(2);
    expect(abi.load_builtin_routes()).toBe(0);
    expect(abi.route_count()).toBe(1);
  });

  it("a large table (2 MB, over a page of memory many times) serves, and the heap starts above it", async () => {
    let text = "";
    for (let i = 0; i < 20_000; i++) text += `GET\t/r${i}/:id\t200\ttext/plain\troute ${i} {id} ${"x".repeat(60)}\n`;
    const { wasm } = bakeRoutes(wasmBytes, "big.tsv", encode(text));
    const app = createFastWasmFetch({ instance: instantiate(wasm), cache: false });
    // Long targets and bodies make the module allocate: nothing may land on the table.
    for (let i = 1; i < 2000; i += 7) {
      const r = app.fetch(new Request(`http://bake.test/r${i}/${"z".repeat(i)}`));
      expect(await r.text()).toBe(`route ${i} ${"z".repeat(i)} ${"x".repeat(60)}`);
    }
    expect(await app.fetch(new Request("http://bake.test/r19999/last")).text()).toBe(`route 19999 last ${"x".repeat(60)}`);
  });

  it("baking twice: the last table serves", async () => {
    const once = bakeRoutes(wasmBytes, "a.tsv", encode("GET\t/a\t200\ttext/plain\ta\n")).wasm;
    const twice = bakeRoutes(once, "b.tsv", encode("GET\t/b\t200\ttext/plain\tb\n")).wasm;
    const app = createFastWasmFetch({ instance: instantiate(twice) });
    expect(await answer(app.fetch, "GET", "/b")).toMatchObject({ status: 200, body: "b" });
    expect((await answer(app.fetch, "GET", "/a")).status).toBe(404);
  });

  it("a bad table is refused as FILE:LINE: reason, and nothing is baked", () => {
    const bad = "GET\t/a\t200\ttext/plain\ta\nGET\t/a\t200\ttext/plain\tb\n";
    let error: unknown;
    try {
      bakeRoutes(wasmBytes, "routes.tsv", encode(bad));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TableFileError);
    expect((error as TableFileError).line).toBe(2);
    expect((error as Error).message).toBe("routes.tsv:2: duplicate route: GET '/a' has the same method and path shape as line 1");
  });

  it("refuses what is not a router.wasm, saying why", () => {
    expect(() => bakeTable(encode("not wasm"), encode(""))).toThrow(WasmBakeError);
    expect(() => bakeTable(encode("not wasm"), encode(""))).toThrow(/not a WebAssembly module/);
    // A valid module with a memory and data but no descriptor.
    const plain = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x05, 0x03, 0x01, 0x00, 0x01,  // memory: min 1
      0x0b, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x2a,  // data: one byte at 0
    ]);
    expect(() => new WebAssembly.Module(plain)).not.toThrow();
    expect(() => bakeTable(plain, encode(""))).toThrow(/no built-in table descriptor/);
  });
});

describe("a router.wasm whose built-in table does not load", () => {
  // bakeTable does not check the table (bakeRoutes does): the way to make such a module.
  const broken = bakeTable(wasmBytes, encode("GET\t/a\t200\ttext/plain\ta\nGET\t/a\t200\ttext/plain\tb\n"));

  it("says so through builtin_routes_status and load_error_*", () => {
    const abi = abiOf(instantiate(broken));
    expect(abi.builtin_routes_status()).toBe(1);
    expect(abi.load_error_line()).toBe(2);
    const message = new TextDecoder().decode(new Uint8Array(abi.memory.buffer, abi.load_error_ptr(), abi.load_error_len()));
    expect(message).toMatch(/^line 2: duplicate route/);
    expect(abiOf(instantiate(wasmBytes)).builtin_routes_status()).toBe(0);  // the shipped module's table loads
  });

  it("every adapter refuses it with RouteTableError, naming the line", async () => {
    for (const make of [
      () => createFastWasmFetch({ instance: instantiate(broken) }),
      () => createFastWasmFetch({ instance: instantiate(broken), routes: "GET\t/\t200\ttext/plain\tok\n" }),
      () => createWasmFetch({ instance: instantiate(broken) }),
    ]) {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RouteTableError);
      expect((error as RouteTableError).line).toBe(2);
      expect((error as Error).message).toMatch(/^router\.wasm's built-in route table did not load: line 2: duplicate route/);
    }
    await expect(createWasmAdapter({ module: broken })).rejects.toThrow(/built-in route table did not load/);
  });

  it("a descriptor pointing outside memory is a load failure too, never a trap", () => {
    const bytes = bakeTable(wasmBytes, encode("GET\t/\t200\ttext/plain\tok\n"));
    // Repoint the descriptor's length address past the end of memory.
    const magic = [0xff, ...encode("HOTPATH-TABLE1"), 0];
    const at = bytes.findIndex((_, i) => magic.every((b, j) => bytes[i + j] === b));
    expect(at).toBeGreaterThan(0);
    new DataView(bytes.buffer).setUint32(at + 20, 0x7fff_fff0, true);
    const abi = abiOf(instantiate(bytes));
    expect(abi.builtin_routes_status()).toBe(1);
    const message = new TextDecoder().decode(new Uint8Array(abi.memory.buffer, abi.load_error_ptr(), abi.load_error_len()));
    expect(message).toBe("the built-in route table is outside wasm memory");
    expect(() => createFastWasmFetch({ instance: instantiate(bytes) })).toThrow(/built-in route table did not load: the built-in route table is outside wasm memory/);
  });
});
