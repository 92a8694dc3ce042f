// The shared routing vectors through the real router.wasm (build/router.wasm,
// or the build HOTPATH_WASM names): the raw fast ABI (every vector), the raw
// compatibility ABI (every vector), and the two fetch adapters (every vector a
// Request can express), cached and uncached.
import { beforeAll, describe, expect, it } from "vitest";

import { createFastWasmFetch, createWasmFetch, WasmRouter } from "../../../adapters/wasm.js";
import { newInstance, routingVectors, tableErrorVectors, tableFiles } from "../support/node-files.js";
import { fetchSkipReason, mismatches, tableOf, type RoutingVector } from "../support/vectors.js";

let instance: WebAssembly.Instance;
beforeAll(async () => {
  instance = await newInstance();
});

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });  // a leading U+FEFF is text
const encoder = new TextEncoder();

function expectedBody(v: RoutingVector): string {
  return v.expect.body;
}

describe("fast ABI (route_request), every vector", () => {
  it.each(routingVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new WasmRouter(instance);
    router.loadRoutes(tableOf(v, tableFiles));
    const answer = router.route(v.request.method, v.request.path);
    expect(answer.status).toBe(v.expect.status);
    const h = v.expect.headers;
    if ("content-type" in h) expect(answer.contentType).toBe(h["content-type"] ?? "");
    if ("allow" in h) expect(answer.allow).toBe(h["allow"] ?? "");
    if ("content-length" in h && h["content-length"] !== null) {
      expect(String(answer.body.length)).toBe(h["content-length"]);
    }
    expect(answer.head ? "" : decoder.decode(answer.body)).toBe(expectedBody(v));
  });
});

// The compatibility ABI's text answer, parsed as it comes.
function compatAnswer(v: RoutingVector): { status: number; headers: Record<string, string>; body: string } {
  const router = new WasmRouter(instance);
  router.loadRoutes(tableOf(v, tableFiles));
  const [ptr, len] = router.writeInput(encoder.encode(`${v.request.method} ${v.request.path}\n`));
  const packed = router.exports.handle(ptr, len);
  const start = Number(packed >> 32n);
  const text = decoder.decode(new Uint8Array(router.exports.memory.buffer, start, Number(packed & 0xffffffffn)));
  const blank = text.indexOf("\n\n");
  const [status, ...headerLines] = text.slice(0, blank).split("\n");
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]));
  return { status: Number(status), headers, body: text.slice(blank + 2) };
}

// HEAD on a 204 or 304 route: no content-length line (the compatibility
// ABI wrote "content-length: 0" before issue 11's fix).
const compatHead204 = (v: RoutingVector) => v.request.method === "HEAD" && (v.expect.status === 204 || v.expect.status === 304);

describe("compatibility ABI (handle), every vector", () => {
  it.each(routingVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const { status, headers, body } = compatAnswer(v);
    expect(status).toBe(v.expect.status);
    const h = v.expect.headers;
    if ("content-type" in h) expect(headers["content-type"] ?? null).toBe(h["content-type"]);
    if ("allow" in h) expect(headers["allow"] ?? null).toBe(h["allow"]);
    // handle sends content-length for HEAD only (never for 204 and 304).
    if (v.request.method === "HEAD" && "content-length" in h) {
      expect(headers["content-length"] ?? null).toBe(h["content-length"]);
    }
    expect(body).toBe(expectedBody(v));
  });

  it.each(routingVectors.filter(compatHead204).map((v) => [v.id, v] as const))(
    "%s: no content-length line",
    (_id, v) => {
      expect(compatAnswer(v).headers["content-length"] ?? null).toBe(null);
    },
  );
});

const fetchable = routingVectors.filter((v) => fetchSkipReason(v) === null);

describe("createFastWasmFetch, every fetchable vector, uncached then cached", () => {
  it("skips only what a Request cannot express", () => {
    const skipped = routingVectors.filter((v) => fetchSkipReason(v) !== null);
    expect(skipped.length).toBeLessThan(40);
    for (const v of skipped) expect(fetchSkipReason(v)).toMatch(/Fetch|Request|request\.url|fragment/);
  });

  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = createFastWasmFetch({ instance, routes: tableOf(v, tableFiles), cache: { maxEntries: 8 } });
    const url = `http://example.test${v.request.path}`;
    const first = app.fetch(new Request(url, { method: v.request.method }));
    expect(await mismatches(v, first)).toEqual([]);
    const second = app.fetch(new Request(url, { method: v.request.method }));
    expect(await mismatches(v, second)).toEqual([]);
    const uncached = createFastWasmFetch({ instance, cache: false });
    expect(await mismatches(v, uncached.fetch(new Request(url, { method: v.request.method })))).toEqual([]);
  });
});

describe("createWasmFetch (compatibility ABI), every fetchable vector", () => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    new WasmRouter(instance).loadRoutes(tableOf(v, tableFiles));
    const app = createWasmFetch({ instance, includeHeaders: true });
    const response = await app.fetch(new Request(`http://example.test${v.request.path}`, { method: v.request.method }));
    expect(await mismatches(v, response)).toEqual([]);
  });
});

describe("load_routes rejects every bad table with its line", () => {
  it.each(tableErrorVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new WasmRouter(instance);
    router.loadRoutes("GET\t/still-here\t200\ttext/plain\tkept\n");
    let error: unknown;
    try {
      router.loadRoutes(v.table);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "RouteTableError", line: v.line });
    expect((error as Error).message).toContain(v.message_contains);
    expect(router.route("GET", "/still-here").status).toBe(200);  // no partial table
  });
});
