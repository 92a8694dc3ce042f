// Directives and handler routes (tests/vectors/directives.jsonl and
// directive-errors.jsonl) through the raw ABIs of the real build/router.wasm:
// route_request_headers with the response record and header_set_text (the
// vectors' handler answering handler routes from the record's parameters),
// handle (the compatibility ABI: handler routes answer 502), and load_routes;
// then through the fetch adapters: createFastWasmFetch with the vectors'
// handler (cached and uncached), Hotpath({ adapter: "wasm" }) with the table
// written as an app, and createWasmFetch (handler routes 502).
import { beforeAll, describe, expect, it } from "vitest";

import { Hotpath } from "../../../adapters/index.js";
import { createFastWasmFetch, createWasmFetch, WasmRouter, RouteTableError } from "../../../adapters/wasm.js";
import { directiveApp, vectorHandlers } from "../support/directive-apps.js";
import { directiveErrorVectors, directiveVectors, newInstance } from "../support/node-files.js";
import { fetchSkipReason, mismatches, requestFields, tableOf, vectorHandlerBody, type RoutingVector } from "../support/vectors.js";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"];
const CODES: Record<string, number> = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 };

let instance: WebAssembly.Instance;
beforeAll(async () => {
  instance = await newInstance();
});

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function addField(headers: Map<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  const had = headers.get(key);
  headers.set(key, had === undefined ? value : `${had}, ${value}`);
}

function text(abi: WasmRouter["exports"], packed: bigint): string {
  const ptr = Number(packed >> 32n);
  return decoder.decode(new Uint8Array(abi.memory.buffer, ptr, Number(packed & 0xffffffffn)));
}

/** The answer route_request_headers gives, built from the record as an adapter would. */
function viaRecord(router: WasmRouter, v: RoutingVector): Answer {
  const abi = router.exports;
  const fields = requestFields(v);
  // The block: each needed header's value (fields of one name joined), or absent.
  const parts: number[] = [];
  for (let i = 0, n = abi.needed_header_count(); i < n; i++) {
    const name = decoder.decode(new Uint8Array(abi.memory.buffer, abi.needed_header_ptr(i), abi.needed_header_len(i)));
    const values = fields.filter(([f]) => f.toLowerCase() === name).map(([, value]) => value);
    if (values.length === 0) {
      parts.push(0xff, 0xff, 0xff, 0xff);
      continue;
    }
    const bytes = encoder.encode(values.join(", "));
    parts.push(bytes.length & 0xff, (bytes.length >> 8) & 0xff, (bytes.length >> 16) & 0xff, bytes.length >>> 24, ...bytes);
  }
  const target = encoder.encode(v.request.path);
  const [ptr] = router.writeInput(new Uint8Array([...target, ...parts]));
  const method = CODES[v.request.method] ?? 7;
  abi.route_request_headers(method, ptr, target.length, ptr + target.length, parts.length);
  const r = new Uint32Array(abi.memory.buffer, abi.response_record(), 14);
  const headers = new Map<string, string>();
  let body: string;
  let status = r[2]!;
  const head = r[5] === 1;
  if (r[8] === 1) {
    // A handler route: the vectors' handler, from the record's route and parameters.
    expect(status).toBe(0);
    const route = r[7]!;
    expect(abi.route_kind(route)).toBe(1);
    const pattern = text(abi, abi.route_path(route));
    const params: [string, string][] = [];
    const pairs = new Uint32Array(abi.memory.buffer, r[13]!, r[12]! * 2);
    for (let i = 0; i < r[12]!; i++) {
      const value = decoder.decode(new Uint8Array(abi.memory.buffer, pairs[2 * i]!, pairs[2 * i + 1]!));
      params.push([text(abi, abi.route_param_name(route, i)), value]);
    }
    expect(params.length).toBe(abi.route_param_count(route));
    body = vectorHandlerBody(v.request.method, pattern, params);
    status = 200;
    headers.set("content-type", "text/plain; charset=utf-8");
    headers.set("content-length", String(encoder.encode(body).length));
  } else {
    const typeId = r[4]!;
    const type = decoder.decode(new Uint8Array(abi.memory.buffer, abi.content_type_ptr(typeId), abi.content_type_len(typeId)));
    if (type !== "") headers.set("content-type", type);
    body = decoder.decode(new Uint8Array(abi.memory.buffer, r[0]!, r[1]!));
    if (status !== 204 && status !== 304) headers.set("content-length", String(r[1]!));
    if (status === 405) headers.set("allow", METHODS.filter((_, bit) => r[3]! & (1 << bit)).join(", "));
  }
  const echo = r[11]! > 0 ? decoder.decode(new Uint8Array(abi.memory.buffer, r[10]!, r[11]!)) : null;
  const set = r[9]!;
  if (set !== 0) {
    const lines = text(abi, abi.header_set_text(set)).split("\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const line of lines) {
      const name = line.slice(0, line.indexOf(": ")).toLowerCase();
      if (!seen.has(name)) headers.delete(name);  // a set replaces the answer's own field of that name
      seen.add(name);
      addField(headers, name, line.slice(line.indexOf(": ") + 2));
    }
  }
  if (echo !== null) headers.set("access-control-allow-headers", echo);
  return { status, headers, body: head ? "" : body };
}

/** The compatibility ABI's text answer for the request with its header lines. */
function viaHandle(router: WasmRouter, v: RoutingVector): Answer & { text: string } {
  const lines = requestFields(v).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  const [ptr, len] = router.writeInput(encoder.encode(`${v.request.method} ${v.request.path} HTTP/1.1\r\n${lines}\r\n`));
  const answer = text(router.exports, router.exports.handle(ptr, len));
  const blank = answer.indexOf("\n\n");
  const [status, ...headerLines] = answer.slice(0, blank).split("\n");
  const headers = new Map<string, string>();
  for (const line of headerLines) addField(headers, line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2));
  return { status: Number(status), headers, body: answer.slice(blank + 2), text: answer };
}

function check(v: RoutingVector, answer: Answer, skipContentLength: boolean): void {
  expect(answer.status).toBe(v.expect.status);
  for (const [name, value] of Object.entries(v.expect.headers)) {
    if (name === "content-length" && skipContentLength) continue;
    expect(answer.headers.get(name) ?? null, name).toBe(value);
  }
  expect(answer.body).toBe(v.expect.body);
}

describe("route_request_headers and the response record, every directive vector", () => {
  it.each(directiveVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new WasmRouter(instance);
    router.loadRoutes(tableOf(v, {}));
    check(v, viaRecord(router, v), false);
  });
});

describe("compatibility ABI (handle) with header lines, every directive vector", () => {
  const handlerRoute = (v: RoutingVector) => v.expect.handler === true;
  it.each(directiveVectors.filter((v) => !handlerRoute(v)).map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new WasmRouter(instance);
    router.loadRoutes(tableOf(v, {}));
    // handle sends content-length only for HEAD (the adapter adds it for bodies).
    const answer = viaHandle(router, v);
    check(v, answer, v.request.method !== "HEAD");
    if (v.request.method !== "HEAD") expect(answer.headers.has("content-length")).toBe(false);
  });

  it.each(directiveVectors.filter(handlerRoute).map((v) => [v.id, v] as const))("%s answers 502 (no handlers here)", (_id, v) => {
    const router = new WasmRouter(instance);
    router.loadRoutes(tableOf(v, {}));
    const answer = viaHandle(router, v);
    expect(answer.status).toBe(502);
    expect(answer.body).toBe(v.request.method === "HEAD" ? "" : "Bad Gateway");
    expect(answer.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(answer.headers.get("x-app")).toBe("demo");  // the chain's fields reach the 502 too
  });
});

describe("handle_path (the original fast ABI) on a handler route", () => {
  it("answers 502 Bad Gateway: it cannot call JavaScript", () => {
    const router = new WasmRouter(instance);
    router.loadRoutes("PROXY\tGET\t/dyn/:name\n");
    const [ptr, len] = router.writeInput(encoder.encode("/dyn/x"));
    const packed = router.exports.handle_path(ptr, len);
    expect(router.exports.response_status()).toBe(502);
    expect(text(router.exports, packed)).toBe("Bad Gateway");
  });
});

describe("load_routes, every directive table error", () => {
  it.each(directiveErrorVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new WasmRouter(instance);
    let error: unknown;
    try {
      router.loadRoutes(v.table);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RouteTableError);
    expect((error as RouteTableError).line).toBe(v.line);
    expect((error as RouteTableError).message).toContain(v.message_contains);
  });
});

describe("route metadata exports", () => {
  it("name each route's method, path, line, kind and parameters; out of range is safe", () => {
    const router = new WasmRouter(instance);
    router.loadRoutes("# c\nGET\t/a\t200\ttext/plain\ta\nPROXY_TCP\tANY\t/u/:id/*rest\t127.0.0.1\t9000\n");
    const abi = router.exports;
    expect(abi.route_count()).toBe(2);
    expect([abi.route_kind(0), abi.route_kind(1), abi.route_kind(2)]).toEqual([0, 1, 2]);
    expect([abi.route_method(0), abi.route_method(1), abi.route_method(9)]).toEqual([0, 7, 8]);
    expect([abi.route_line(0), abi.route_line(1)]).toEqual([2, 3]);
    expect(text(abi, abi.route_path(1))).toBe("/u/:id/*rest");
    expect(abi.route_param_count(1)).toBe(2);
    expect([text(abi, abi.route_param_name(1, 0)), text(abi, abi.route_param_name(1, 1))]).toEqual(["id", "rest"]);
    expect(abi.route_param_name(1, 2)).toBe(0n);
    expect(abi.route_path(5)).toBe(0n);
    expect(abi.header_set_text(0)).toBe(0n);
    expect(abi.header_set_text(0xffffffff)).toBe(0n);
    expect(abi.needed_header_count()).toBe(0);
  });

  it("lists the needed header names once, lowercase", () => {
    const router = new WasmRouter(instance);
    router.loadRoutes("MIDDLEWARE\tREQUIRE_HEADER\tX-Key\tk\nMIDDLEWARE\tCORS\t*\nGET\t/\t200\ttext/plain\tok\nROUTE_MIDDLEWARE\t0\tREQUIRE_HEADER\tx-key\tk2\n");
    const abi = router.exports;
    const names = Array.from({ length: abi.needed_header_count() }, (_, i) =>
      decoder.decode(new Uint8Array(abi.memory.buffer, abi.needed_header_ptr(i), abi.needed_header_len(i))),
    );
    expect(names).toEqual(["x-key", "origin", "access-control-request-method", "access-control-request-headers"]);
  });

  it("answers 400 for a header block whose length runs past its end", () => {
    const router = new WasmRouter(instance);
    router.loadRoutes("MIDDLEWARE\tREQUIRE_HEADER\tx-key\tk\nGET\t/\t200\ttext/plain\tok\n");
    const [ptr] = router.writeInput(new Uint8Array([0x2f, 9, 0, 0, 0, 0x6b]));
    expect(router.exports.route_request_headers(0, ptr, 1, ptr + 1, 5)).toBe(400);
    // The same block, well-formed: the right key passes.
    const [ptr2] = router.writeInput(new Uint8Array([0x2f, 1, 0, 0, 0, 0x6b]));
    expect(router.exports.route_request_headers(0, ptr2, 1, ptr2 + 1, 5)).toBe(200);
  });
});

describe("createFastWasmFetch with the vectors' handlers, every directive vector, uncached then cached", () => {
  const fetchable = directiveVectors.filter((v) => fetchSkipReason(v) === null);
  const request = (v: RoutingVector) => new Request(`http://example.test${v.request.path}`, { method: v.request.method, headers: requestFields(v) });

  it("skips none", () => {
    expect(fetchable.length).toBe(directiveVectors.length);
  });

  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const table = tableOf(v, {});
    const cached = createFastWasmFetch({ instance, routes: table, handlers: vectorHandlers(table), cache: { maxEntries: 8 } });
    expect(await mismatches(v, await cached.fetch(request(v)))).toEqual([]);
    expect(await mismatches(v, await cached.fetch(request(v)))).toEqual([]);
    const uncached = createFastWasmFetch({ instance, routes: table, handlers: vectorHandlers(table), cache: false });
    expect(await mismatches(v, await uncached.fetch(request(v)))).toEqual([]);
  });
});

describe("Hotpath({ adapter: \"wasm\" }): the table written as an app (use, groups, handlers), every directive vector", () => {
  it.each(directiveVectors.filter((v) => fetchSkipReason(v) === null).map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = directiveApp(tableOf(v, {}), Hotpath({ adapter: "wasm", instance }));
    for (let i = 0; i < 2; i++) {  // the second answer may come from the cache
      const response = await app.fetch(new Request(`http://example.test${v.request.path}`, { method: v.request.method, headers: requestFields(v) }));
      expect(await mismatches(v, response)).toEqual([]);
    }
  });
});

describe("createWasmFetch (compatibility ABI), every directive vector: handler routes answer 502", () => {
  it.each(directiveVectors.filter((v) => fetchSkipReason(v) === null).map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    new WasmRouter(instance).loadRoutes(tableOf(v, {}));
    const app = createWasmFetch({ instance, includeHeaders: true });
    const response = await app.fetch(new Request(`http://example.test${v.request.path}`, { method: v.request.method, headers: requestFields(v) }));
    if (v.expect.handler === true) {
      expect(response.status).toBe(502);
      expect(await response.text()).toBe(v.request.method === "HEAD" ? "" : "Bad Gateway");
      expect(response.headers.get("x-app")).toBe("demo");
    } else {
      expect(await mismatches(v, response)).toEqual([]);
    }
  });
});
