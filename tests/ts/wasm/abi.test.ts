// router.wasm's ABIs exactly as abi/README.md specifies them, on the real
// module: exports, packing, the compatibility text format, alloc, run-time
// tables, and inputs of every length (0 to 1 MB) that must never trap.
import { beforeEach, describe, expect, it } from "vitest";

import { createFastWasmFetch, createWasmFetch, WasmRouter, type RouterWasmExports } from "../../../adapters/wasm.js";
import { newInstance, wasmBytes } from "../support/node-files.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let instance: WebAssembly.Instance;
let router: WasmRouter;
let abi: RouterWasmExports;
beforeEach(async () => {
  instance = await newInstance();
  router = new WasmRouter(instance);
  abi = router.exports;
});

function write(text: string | Uint8Array): [number, number] {
  return router.writeInput(typeof text === "string" ? encoder.encode(text) : text);
}

function unpack(packed: bigint): string {
  const ptr = Number(packed >> 32n);
  const len = Number(packed & 0xffffffffn);
  return decoder.decode(new Uint8Array(abi.memory.buffer, ptr, len));
}

function handlePath(path: string): { status: number; body: string } {
  const body = unpack(abi.handle_path(...write(path)));
  return { status: abi.response_status(), body };
}

function compat(request: string | Uint8Array): string {
  return unpack(abi.handle(...write(request)));
}

describe("the module", () => {
  it("has no imports and instantiates with an empty import object", async () => {
    const module = new WebAssembly.Module(wasmBytes);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    const { instance } = await WebAssembly.instantiate(wasmBytes.buffer, {});
    expect(Object.keys(instance.exports)).toEqual(
      expect.arrayContaining(["memory", "alloc", "handle_path", "response_ptr", "response_len", "response_status", "handle", "load_routes"]),
    );
  });

  it("serves the table compiled in (bench/c-core.tsv) without any set-up", () => {
    expect(abi.route_count()).toBe(6);
    expect(handlePath("/hello/rai")).toEqual({ status: 200, body: "hello rai" });
    expect(handlePath("/json")).toEqual({ status: 200, body: '{"ok":true}' });
    expect(handlePath("/")).toEqual({ status: 200, body: "ok" });
  });
});

describe("fast ABI", () => {
  it("packs (ptr << 32) | len and agrees with response_ptr/response_len", () => {
    const packed = abi.handle_path(...write("/hello/world"));
    expect(Number(packed >> 32n)).toBe(abi.response_ptr());
    expect(Number(packed & 0xffffffffn)).toBe(abi.response_len());
    expect(abi.response_len()).toBe("hello world".length);
    expect(abi.response_status()).toBe(200);
  });

  it("answers 404, 400 and 414 with text bodies", () => {
    expect(handlePath("/nope")).toEqual({ status: 404, body: "Not Found" });
    expect(handlePath("/hello/%zz")).toEqual({ status: 400, body: "Bad Request" });
    expect(handlePath("")).toEqual({ status: 400, body: "Bad Request" });
    expect(handlePath("/hello/" + "x".repeat(9000))).toEqual({ status: 414, body: "URI Too Long" });
  });

  it("escapes template values for the route's content type", () => {
    router.loadRoutes('GET\t/u/:id\t200\tapplication/json\t{"id":"{id}"}\n');
    expect(handlePath('/u/x","admin":true').body).toBe('{"id":"x\\",\\"admin\\":true"}');
    expect(JSON.parse(handlePath("/u/x%22,%22admin%22:true").body)).toEqual({ id: 'x","admin":true' });
  });
});

describe("extension: route_request and the response record", () => {
  it("is method-aware and reports content type, allow and head", () => {
    const post = router.route("POST", "/json");
    expect(post.status).toBe(405);
    expect(post.allow).toBe("GET, HEAD");
    expect(decoder.decode(post.body)).toBe("Method Not Allowed");
    const json = router.route("GET", "/json?x=1");
    expect(json.contentType).toBe("application/json; charset=utf-8");
    const head = router.route("HEAD", "/hello/rai");
    expect(head).toMatchObject({ status: 200, head: true, contentType: "text/plain; charset=utf-8" });
    expect(head.body.length).toBe("hello rai".length);
  });

  it("lays the record out as documented (u32: body_ptr, body_len, status, allow, content_type_id, head, generation)", () => {
    abi.route_request(2, ...write("/json"));
    const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
    expect(record[2]).toBe(405);
    expect(record[3]).toBe(0b11);  // GET | HEAD
    expect(record[4]).toBe(0);     // the error content type
    expect(record[5]).toBe(0);
    expect(record[6]).toBe(abi.table_generation());
    const body = new Uint8Array(abi.memory.buffer, record[0], record[1]);
    expect(decoder.decode(body)).toBe("Method Not Allowed");
  });

  it("lists content types once per table, error type first", () => {
    const types = Array.from({ length: abi.content_type_count() }, (_, id) =>
      decoder.decode(new Uint8Array(abi.memory.buffer, abi.content_type_ptr(id), abi.content_type_len(id))),
    );
    expect(types).toEqual(["text/plain; charset=utf-8", "application/json; charset=utf-8"]);
    expect(abi.content_type_ptr(99)).toBe(0);
  });

  it("treats unknown method codes as other methods", () => {
    router.loadRoutes("ANY\t/a\t200\ttext/plain\tany\nGET\t/b\t200\ttext/plain\tb\n");
    expect(abi.route_request(7, ...write("/a"))).toBe(200);
    expect(abi.route_request(12345, ...write("/b"))).toBe(405);
  });
});

describe("compatibility ABI", () => {
  it("answers in the original text format", () => {
    expect(compat("GET /hello/rai?x=1\n")).toBe("200\ncontent-type: text/plain; charset=utf-8\n\nhello rai");
    expect(compat("GET /json\naccept: */*\nx-a: b\n\n")).toBe("200\ncontent-type: application/json; charset=utf-8\n\n{\"ok\":true}");
    expect(compat("POST /hello/rai\ncontent-type: text/plain\n\nGET /json\n")).toBe(
      "405\ncontent-type: text/plain; charset=utf-8\nallow: GET, HEAD\n\nMethod Not Allowed",
    );
    expect(compat("HEAD /hello/rai\n")).toBe("200\ncontent-type: text/plain; charset=utf-8\ncontent-length: 9\n\n");
    expect(compat("GET /missing HTTP/1.1\r\n")).toBe("404\ncontent-type: text/plain; charset=utf-8\n\nNot Found");
  });

  it("answers 400 to malformed request lines", () => {
    for (const bad of ["", "\n", "GET\n", "GET \n", " /x\n", "G(T /x\n", "GET"]) {
      expect(compat(bad).split("\n")[0]).toBe("400");
    }
  });

  it("omits content-type for a route that declares none", () => {
    router.loadRoutes("DELETE\t/x\t204\t\t\n");
    expect(compat("DELETE /x\n")).toBe("204\n\n");
  });
});

describe("alloc", () => {
  it("allocates at least the size asked, growing memory, and returns 0 when it cannot", () => {
    const before = abi.memory.buffer.byteLength;
    const ptr = abi.alloc(4 * 1024 * 1024);
    expect(ptr).toBeGreaterThan(0);
    expect(abi.memory.buffer.byteLength).toBeGreaterThanOrEqual(ptr + 4 * 1024 * 1024);
    expect(abi.memory.buffer.byteLength).toBeGreaterThan(before);
    new Uint8Array(abi.memory.buffer, ptr, 4 * 1024 * 1024).fill(0x41);  // all writable
    expect(abi.alloc(0)).toBeGreaterThan(0);
    expect(abi.alloc(0x7fffffff)).toBe(0);  // beyond the 1 GiB maximum
    expect(abi.alloc(-1)).toBe(0);
    expect(handlePath("/hello/after")).toEqual({ status: 200, body: "hello after" });
  });

  it("reuses the buffer while it is large enough", () => {
    const a = abi.alloc(100);
    expect(abi.alloc(50)).toBe(a);
  });
});

describe("inputs of any length and content never trap or corrupt later answers", () => {
  // xorshift32: the same bytes on every run.
  let seed = 0x9e3779b9;
  function randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      out[i] = seed & 0xff;
    }
    return out;
  }
  const lengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 255, 4096, 8191, 8192, 8193, 65535, 65536, 300_000, 1024 * 1024];

  it.each(lengths)("length %i", (length) => {
    for (const bytes of [randomBytes(length), new Uint8Array(length).fill(0x2f), new Uint8Array(length).fill(0x25)]) {
      const status = abi.route_request(0, ...write(bytes));
      expect([200, 400, 404, 405, 414]).toContain(status);
      if (length > 8192) expect(status).toBe(414);
      abi.handle_path(...write(bytes));
      expect([200, 400, 404, 414]).toContain(abi.response_status());
      expect(Number(compat(bytes).split("\n")[0])).toBeGreaterThanOrEqual(200);
      expect(handlePath("/hello/rai")).toEqual({ status: 200, body: "hello rai" });
      expect(compat("GET /json\n")).toBe('200\ncontent-type: application/json; charset=utf-8\n\n{"ok":true}');
    }
  });

  it("answers 400 to a pointer outside memory instead of trapping", () => {
    const end = abi.memory.buffer.byteLength;
    expect(abi.route_request(0, end - 4, 100)).toBe(400);
    abi.handle_path(0xfffffff0, 64);
    expect(abi.response_status()).toBe(400);
    expect(abi.load_routes(end, 10)).toBe(1);
    expect(handlePath("/hello/rai")).toEqual({ status: 200, body: "hello rai" });
  });
});

describe("memory exhaustion gives an error status, never a trap", () => {
  // One route whose body repeats a wildcard 1,000 times: an 8 KB target
  // renders 8 MB. With almost all of the 1 GiB maximum taken by the input
  // buffer, that cannot be rendered: 500 from every ABI and adapter, and the
  // next small answer is still right.
  const table = `GET\t/big/*p\t200\ttext/plain\t${"{p}".repeat(1000)}\nGET\t/hello/:name\t200\ttext/plain\thello {name}\n`;
  const bigPath = `/big/${"x".repeat(8000)}`;

  function exhaustMemory(): void {
    // Warm the small regions (rendered body, compat output) first, then take
    // the rest of memory, leaving less than one rendered big body.
    expect(handlePath("/hello/warm")).toEqual({ status: 200, body: "hello warm" });
    expect(compat("GET /hello/warm\n")).toBe("200\ncontent-type: text/plain\n\nhello warm");
    const maxBytes = 16384 * 65536;  // the module's 1 GiB maximum
    expect(abi.alloc(maxBytes - abi.memory.buffer.byteLength - 4 * 1024 * 1024)).toBeGreaterThan(0);
    expect(maxBytes - abi.memory.buffer.byteLength).toBeLessThan(8_000_000);
    // alloc moved the input buffer: a new WasmRouter starts from alloc again
    // (which reuses the big buffer) instead of the old pointer.
    router = new WasmRouter(instance);
  }

  it("raw ABIs: route_request, handle_path and handle answer 500, then small answers as before", () => {
    router.loadRoutes(table);
    exhaustMemory();
    const [ptr, len] = write(bigPath);
    expect(abi.route_request(0, ptr, len)).toBe(500);
    abi.handle_path(...write(bigPath));
    expect(abi.response_status()).toBe(500);
    expect(compat(`GET ${bigPath}\n`)).toMatch(/^500\n/);
    expect(handlePath("/hello/after")).toEqual({ status: 200, body: "hello after" });
    expect(compat("GET /hello/after\n")).toBe("200\ncontent-type: text/plain\n\nhello after");
  });

  it("createFastWasmFetch and createWasmFetch answer 500 with a body, then serve the next request", async () => {
    router.loadRoutes(table);
    exhaustMemory();
    const fast = createFastWasmFetch({ instance, cache: false });
    const compatFetch = createWasmFetch({ instance });
    for (const app of [fast, compatFetch]) {
      const failed = await app.fetch(new Request(`http://x${bigPath}`));
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe("Internal Server Error");
      const next = await app.fetch(new Request("http://x/hello/next"));
      expect(next.status).toBe(200);
      expect(await next.text()).toBe("hello next");
    }
  });
});

describe("run-time route tables (load_routes)", () => {
  it("replaces the table, reports errors with line numbers and keeps the old table on error", () => {
    const generation = abi.table_generation();
    router.loadRoutes("GET\t/a\t200\ttext/plain\tA\n");
    expect(abi.table_generation()).toBe(generation + 1);
    expect(handlePath("/a")).toEqual({ status: 200, body: "A" });
    expect(handlePath("/hello/rai").status).toBe(404);

    const [ptr, len] = write("# comment\nGET\t/b\t200\ttext/plain\tB\nGET\t/b\t200\ttext/plain\tC\n");
    expect(abi.load_routes(ptr, len)).toBe(1);
    expect(abi.load_error_line()).toBe(3);
    const message = decoder.decode(new Uint8Array(abi.memory.buffer, abi.load_error_ptr(), abi.load_error_len()));
    expect(message).toBe("line 3: duplicate route: GET '/b' has the same method and path shape as line 2");
    expect(abi.table_generation()).toBe(generation + 1);
    expect(handlePath("/a")).toEqual({ status: 200, body: "A" });

    expect(abi.load_builtin_routes()).toBe(0);
    expect(handlePath("/hello/rai").body).toBe("hello rai");
  });

  it("loads 10,000 routes, growing memory, and routes through them", () => {
    let table = "";
    for (let i = 0; i < 10_000; i++) table += `GET\t/r${i}/:id\t200\tapplication/json\t{"n":${i},"id":"{id}"}\n`;
    router.loadRoutes(table);
    expect(abi.route_count()).toBe(10_000);
    const answer = router.route("GET", "/r9876/abc");
    expect(decoder.decode(answer.body)).toBe('{"n":9876,"id":"abc"}');
    // Reloading many times reuses the two table arenas: memory stays bounded.
    const size = abi.memory.buffer.byteLength;
    for (let i = 0; i < 10; i++) router.loadRoutes(table);
    expect(abi.memory.buffer.byteLength).toBeLessThanOrEqual(size * 2);
  });

  it("loads an empty table: every path is 404", () => {
    router.loadRoutes("");
    expect(handlePath("/").status).toBe(404);
  });
});

describe("WasmRouter.params(): the decoded values, whether the core sliced the target or decoded into its scratch", () => {
  // Plain values are slices of the target's bytes (params() then slices the
  // target string); escaped ones are decoded by the core; a target with
  // non-ASCII chars goes in as UTF-8. Each is compared with the TypeScript
  // router's parameters for the same table and target.
  const table = [
    "PROXY\tGET\t/u/:a/:b",
    "PROXY\tGET\t/f/:name.:ext",
    "PROXY\tGET\t/o/:type?",
    "PROXY\tGET\t/w/*rest",
    "PROXY\tGET\t/q/:id{[0-9]+}",
  ].join("\n");
  const targets = [
    "/u/x/y", "/u/rai/42?q=1", "/u/a%20b/c", "/u/plain/%C3%A9t%C3%A9", "/u/caf\u00e9/ok", "/u/\u{1F600}/x",
    "/f/report.pdf", "/f/a%2Eb.txt", "/o", "/o/cat", "/w/", "/w/a/b/c.css", "/w/a%2Fb/%25", "/q/007",
    `/u/${"a".repeat(4000)}/${"b".repeat(3000)}`,
  ];
  it.each(targets)("%s", async (target) => {
    const { Router } = await import("../../../adapters/routing/router.js");
    const { parseTable } = await import("../../../adapters/routing/table.js");
    const ts = new Router<number>();
    for (const entry of parseTable(table).entries) ts.add({ method: entry.value.method, path: entry.value.path, value: entry.value.index, origin: "" });
    router.loadRoutes(table);
    const expected = ts.match("GET", target);
    expect(expected.kind).toBe("route");
    const answer = router.route("GET", target);
    expect(answer.handler).toBe(true);
    expect({ ...router.params(answer.route) }).toEqual({ ...(expected.kind === "route" ? expected.params : {}) });
    // The same after the input buffer held something else: nothing stale is sliced.
    write("GET /x HTTP/1.1\r\n\r\n");
    const again = router.route("GET", target);
    expect({ ...router.params(again.route) }).toEqual({ ...(expected.kind === "route" ? expected.params : {}) });
  });
});
