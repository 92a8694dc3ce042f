// Inside workerd: the Worker (worker/index.ts, serving the table compiled into
// build/router.wasm) answers the shared vectors of that table, and the
// adapter answers every fetchable vector with each vector's own table; the
// directive vectors through createFastWasmFetch with the vectors' handler,
// Hotpath({ adapter: "wasm" }) and HotpathServer (the table written as an
// app), and createWasmFetch (handler routes 502).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

import wasmModule from "../../build/router.wasm";
import { Hotpath, HotpathServer } from "../../adapters/index.js";
import { createFastWasmFetch, createWasmFetch, WasmRouter } from "../../adapters/wasm.js";
import directivesText from "../vectors/directives.jsonl?raw";
import { directiveApp, vectorHandlers } from "../ts/support/directive-apps.js";
import basicTable from "../vectors/basic.tsv?raw";
import methodsTable from "../vectors/methods.tsv?raw";
import priorityTable from "../vectors/priority.tsv?raw";
import routingText from "../vectors/routing.jsonl?raw";
import { fetchSkipReason, mismatches, parseJsonl, requestFields, tableOf, type RoutingVector } from "../ts/support/vectors.js";

const tableFiles = { "basic.tsv": basicTable, "methods.tsv": methodsTable, "priority.tsv": priorityTable };
const vectors = parseJsonl<RoutingVector>(routingText);
const fetchable = vectors.filter((v) => fetchSkipReason(v) === null);
const workerVectors = fetchable.filter((v) => v.table_file === "basic.tsv");

describe("the Worker (exports.default.fetch), vectors of its built-in table", () => {
  it("covers enough vectors", () => {
    expect(workerVectors.length).toBeGreaterThan(20);
  });

  it.each(workerVectors.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    for (let i = 0; i < 2; i++) {  // the second answer may come from the cache
      const response = await exports.default.fetch(new Request(`http://worker.test${v.request.path}`, { method: v.request.method }));
      expect(await mismatches(v, response)).toEqual([]);
    }
  });
});

describe("createFastWasmFetch in workerd, every fetchable vector", () => {
  const instance = new WebAssembly.Instance(wasmModule, {});

  it("has no imports", () => {
    expect(WebAssembly.Module.imports(wasmModule)).toEqual([]);
  });

  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = createFastWasmFetch({ instance, routes: tableOf(v, tableFiles) });
    const url = `http://worker.test${v.request.path}`;
    expect(await mismatches(v, app.fetch(new Request(url, { method: v.request.method })))).toEqual([]);
    expect(await mismatches(v, app.fetch(new Request(url, { method: v.request.method })))).toEqual([]);
  });
});

describe("createWasmFetch (compatibility ABI) in workerd", () => {
  const instance = new WebAssembly.Instance(wasmModule, {});

  it.each(fetchable.slice(0, 60).map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    new WasmRouter(instance).loadRoutes(tableOf(v, tableFiles));
    const app = createWasmFetch({ instance });
    const response = await app.fetch(new Request(`http://worker.test${v.request.path}`, { method: v.request.method }));
    expect(await mismatches(v, response)).toEqual([]);
  });
});

const directiveVectors = parseJsonl<RoutingVector>(directivesText).filter((v) => fetchSkipReason(v) === null);
const directiveRequest = (v: RoutingVector) => new Request(`http://worker.test${v.request.path}`, { method: v.request.method, headers: requestFields(v) });

describe("the directive vectors in workerd", () => {
  const instance = new WebAssembly.Instance(wasmModule, {});

  it("runs every one (workerd's Request takes them all)", () => {
    expect(directiveVectors.length).toBeGreaterThan(40);
  });

  it.each(directiveVectors.map((v) => [v.id, v] as const))("createFastWasmFetch with the vectors' handler, uncached then cached: %s", async (_id, v) => {
    const table = tableOf(v, {});
    const app = createFastWasmFetch({ instance, routes: table, handlers: vectorHandlers(table) });
    expect(await mismatches(v, await app.fetch(directiveRequest(v)))).toEqual([]);
    expect(await mismatches(v, await app.fetch(directiveRequest(v)))).toEqual([]);
    const uncached = createFastWasmFetch({ instance, routes: table, handlers: vectorHandlers(table), cache: false });
    expect(await mismatches(v, await uncached.fetch(directiveRequest(v)))).toEqual([]);
  });

  it.each(directiveVectors.map((v) => [v.id, v] as const))("HotpathServer and Hotpath({ adapter: \"wasm\" }), the table as an app: %s", async (_id, v) => {
    const table = tableOf(v, {});
    expect(await mismatches(v, await directiveApp(table).fetch(directiveRequest(v)))).toEqual([]);
    expect(await mismatches(v, await HotpathServer.fromRouteTable(table, { handlers: vectorHandlers(table) }).fetch(directiveRequest(v)))).toEqual([]);
    expect(await mismatches(v, await directiveApp(table, Hotpath({ adapter: "wasm", instance })).fetch(directiveRequest(v)))).toEqual([]);
  });

  it.each(directiveVectors.map((v) => [v.id, v] as const))("createWasmFetch (handler routes 502): %s", async (_id, v) => {
    new WasmRouter(instance).loadRoutes(tableOf(v, {}));
    const response = await createWasmFetch({ instance, includeHeaders: true }).fetch(directiveRequest(v));
    if (v.expect.handler === true) expect([response.status, await response.text()]).toEqual([502, v.request.method === "HEAD" ? "" : "Bad Gateway"]);
    else expect(await mismatches(v, response)).toEqual([]);
  });
});
