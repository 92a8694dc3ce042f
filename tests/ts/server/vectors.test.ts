// HotpathServer answers the shared vectors the same way through app.fetch,
// a real Node server (node:http) and a real Bun server (Bun.serve with its
// native routes table), over loopback HTTP. Under `bun test` the node:http
// suite runs on Bun's node:http (listen() itself would pick Bun.serve, which
// the last suite covers).
import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer } from "../../../adapters/index.js";
import { listen } from "../../../adapters/server/listen.js";
import { killBunServers, startBunServer } from "../support/bun-server.js";
import { httpFetch } from "../support/http-client.js";
import { routingVectors, tableFiles } from "../support/node-files.js";
import { onBun } from "../support/runtime.js";
import { fetchSkipReason, mismatches, tableOf, type RoutingVector } from "../support/vectors.js";

const fetchable = routingVectors.filter((v) => fetchSkipReason(v) === null);
const byTable = new Map<string, RoutingVector[]>();
for (const v of fetchable) {
  const text = tableOf(v, tableFiles);
  byTable.set(text, [...(byTable.get(text) ?? []), v]);
}

describe("app.fetch, every fetchable vector", () => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = HotpathServer.fromRouteTable(tableOf(v, tableFiles));
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

describe("a real Node server (node:http), every fetchable vector", () => {
  it.each([...byTable.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const))(
    "%s",
    async (_name, table, vectors) => {
      const app = HotpathServer.fromRouteTable(table);
      const server = onBun
        ? await listen(app.fetch, 0, { hostname: "127.0.0.1" }, "node", HotpathServer.definition(app))
        : await app.listen(0, { hostname: "127.0.0.1" });
      try {
        expect(await overHttp(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
      } finally {
        await server.stop();
      }
    },
  );
});

afterAll(killBunServers);

describe("a real Bun server (Bun.serve), every fetchable vector", () => {
  it.each([...byTable.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const))(
    "%s",
    async (_name, table, vectors) => {
      // Bun's own HTTP layer refuses request heads over 16 KB with 431 before
      // any JavaScript runs; the vectors' 16 KB targets must reach the router
      // (414), as documented in the README.
      const server = await startBunServer(table, {}, ["--max-http-header-size=65536"]);
      try {
        expect(await overHttp(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
      } finally {
        await server.stop();
      }
    },
  );
});
