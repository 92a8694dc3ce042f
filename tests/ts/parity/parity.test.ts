// One definition, every path: for an app of declarative routes, app.fetch,
// router.wasm fed toRouteTable(app), and the native server fed the same table
// give the same status, content type and body on every fetchable vector.
import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer, toRouteTable } from "../../../adapters/index.js";
import { createFastWasmFetch } from "../../../adapters/wasm.js";
import { killAllServers, startServer } from "../native/server.js";
import { httpFetch } from "../support/http-client.js";
import { newInstance, routingVectors, tableFiles } from "../support/node-files.js";
import { fetchSkipReason, tableOf, type RoutingVector } from "../support/vectors.js";

afterAll(killAllServers);

const byTable = new Map<string, RoutingVector[]>();
for (const v of routingVectors.filter((v) => fetchSkipReason(v) === null)) {
  const text = tableOf(v, tableFiles);
  byTable.set(text, [...(byTable.get(text) ?? []), v]);
}

interface Seen {
  status: number;
  contentType: string | null;
  body: string;
}

async function seen(response: Response): Promise<Seen> {
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
}

describe("app.fetch = router.wasm = hotpath-server, on toRouteTable(app)", () => {
  it.each([...byTable.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const))(
    "%s",
    async (_name, table, vectors) => {
      const app = HotpathServer.fromRouteTable(table);
      const written = toRouteTable(app);
      const wasm = createFastWasmFetch({ instance: await newInstance(), routes: written });
      const server = await startServer(written);
      try {
        for (const v of vectors) {
          const init = { method: v.request.method };
          const viaApp = await seen(await app.fetch(new Request(`http://p.test${v.request.path}`, init)));
          const viaWasm = await seen(wasm.fetch(new Request(`http://p.test${v.request.path}`, init)));
          const viaNative = await seen(await httpFetch(`http://127.0.0.1:${server.port}${v.request.path}`, init));
          expect({ id: v.id, ...viaWasm }).toEqual({ id: v.id, ...viaApp });
          expect({ id: v.id, ...viaNative }).toEqual({ id: v.id, ...viaApp });
          expect(viaApp.status).toBe(v.expect.status);
        }
      } finally {
        await server.stop();
      }
    },
  );
});
