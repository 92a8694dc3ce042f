// HotpathServer answers the shared vectors the same way through app.fetch,
// a real Node server (node:http) and a real Bun server (Bun.serve with its
// native routes table), over loopback HTTP. Under `bun test` the node:http
// suite runs on Bun's node:http (listen() itself would pick Bun.serve, which
// the last suite covers).
import { METHODS } from "node:http";

import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer } from "../../../adapters/index.js";
import { listen } from "../../../adapters/server/listen.js";
import { killBunServers, startBunServer } from "../support/bun-server.js";
import { httpFetch } from "../support/http-client.js";
import { handlerApp } from "../support/handler-app.js";
import { routingVectors, tableFiles } from "../support/node-files.js";
import { onBun } from "../support/runtime.js";
import { fetchSkipReason, mismatches, tableOf, type RoutingVector } from "../support/vectors.js";

const fetchable = routingVectors.filter((v) => fetchSkipReason(v) === null);
// Over HTTP, node:http (llhttp) answers 400 and Bun closes the connection for
// a method outside their parsers' list (http.METHODS), before any JavaScript
// runs; app.fetch gets those vectors in-process.
const overHttpVectors = fetchable.filter((v) => METHODS.includes(v.request.method));
const byTable = new Map<string, RoutingVector[]>();
for (const v of overHttpVectors) {
  const text = tableOf(v, tableFiles);
  byTable.set(text, [...(byTable.get(text) ?? []), v]);
}

describe("over HTTP, only methods the runtimes' HTTP parsers refuse are left out", () => {
  it("leaves out the object-property methods only", () => {
    const left = fetchable.filter((v) => !overHttpVectors.includes(v));
    // None on Bun, whose own Request already turns these methods into GET (fetchSkipReason).
    for (const v of left) expect(v.id).toMatch(/^methods\/object-property-/);
  });
});

describe("app.fetch, every fetchable vector", () => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = HotpathServer.fromRouteTable(tableOf(v, tableFiles));
    const response = await app.fetch(new Request(`http://app.test${v.request.path}`, { method: v.request.method }));
    expect(await mismatches(v, response)).toEqual([]);
  });
});

describe("app.fetch with the generated matcher (compile: true), every fetchable vector", () => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = HotpathServer.fromRouteTable(tableOf(v, tableFiles), { compile: true });
    const response = await app.fetch(new Request(`http://app.test${v.request.path}`, { method: v.request.method }));
    expect(await mismatches(v, response)).toEqual([]);
  });
});

describe("app.fetch with a function handler per route, every fetchable vector", () => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = handlerApp(tableOf(v, tableFiles));
    const response = await app.fetch(new Request(`http://app.test${v.request.path}`, { method: v.request.method }));
    expect(await mismatches(v, response)).toEqual([]);
  });
});

async function overHttp(base: string, vectors: RoutingVector[]): Promise<Record<string, string[]>> {
  const problems: Record<string, string[]> = {};
  for (const v of vectors) {
    const response = await httpFetch(`${base}${v.request.path}`, { method: v.request.method });
    const found = await mismatches(v, response);
    if (found.length) problems[v.id] = found;
  }
  return problems;
}

const tables = [...byTable.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const);
// replies: fromRouteTable; handlers: a function handler per route (support/handler-app.ts).
const MODES = [["replies", "the table's replies"], ["handlers", "a function handler per route"]] as const;

describe.each(MODES)("a real Node server (node:http), %s (%s), every fetchable vector", (mode) => {
  it.each(tables)("%s", async (_name, table, vectors) => {
    const app = mode === "handlers" ? handlerApp(table) : HotpathServer.fromRouteTable(table);
    const server = onBun
      ? await listen(app.fetch, 0, { hostname: "127.0.0.1" }, "node", HotpathServer.definition(app))
      : await app.listen(0, { hostname: "127.0.0.1" });
    try {
      expect(await overHttp(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
    } finally {
      await server.stop();
    }
  });
});

afterAll(killBunServers);

describe.each(MODES)("a real Bun server (Bun.serve), %s (%s), every fetchable vector", (mode) => {
  it.each(tables)("%s", async (_name, table, vectors) => {
    // Bun's own HTTP layer refuses request heads over 16 KB with 431 before
    // any JavaScript runs; the vectors' 16 KB targets must reach the router
    // (414), as documented in the README.
    const server = await startBunServer(table, {}, ["--max-http-header-size=65536"], mode);
    try {
      expect(await overHttp(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
    } finally {
      await server.stop();
    }
  });
});
