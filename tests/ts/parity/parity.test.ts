// One definition, every path: for an app of declarative routes, app.fetch,
// router.wasm fed toRouteTable(app), and the native server fed the same table
// give the same status, content type and body on every fetchable vector;
// with directives and handler routes, the same status, fields and body.
import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer, toRouteTable } from "../../../adapters/index.js";
import { createFastWasmFetch } from "../../../adapters/wasm.js";
import { killAllServers, startServer } from "../native/server.js";
import { httpFetch } from "../support/http-client.js";
import { vectorHandlers } from "../support/directive-apps.js";
import { directiveVectors, newInstance, routingVectors, tableFiles } from "../support/node-files.js";
import { fetchSkipReason, requestFields, tableOf, type RoutingVector } from "../support/vectors.js";

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

// The directive vectors: directives and handler routes. The app is the
// table read by fromRouteTable with the vectors' handler; router.wasm gets
// toRouteTable(app) and the same handlers; hotpath-server gets the same
// table.
const directiveTables = new Map<string, RoutingVector[]>();
for (const v of directiveVectors.filter((v) => fetchSkipReason(v) === null)) {
  directiveTables.set(tableOf(v, {}), [...(directiveTables.get(tableOf(v, {})) ?? []), v]);
}

// The fields that differ by design: the server's own (Date, Server,
// Connection) and Content-Length, which an in-process Response with a body
// leaves to the runtime (the vectors check it on each path).
const OWN_FIELDS = new Set(["date", "server", "connection", "keep-alive", "content-length", "transfer-encoding"]);

async function seenWithFields(response: Response): Promise<Seen & { fields: [string, string][] }> {
  const fields = [...response.headers].filter(([name]) => !OWN_FIELDS.has(name));
  return { ...(await seen(response)), fields };
}

describe("app.fetch = router.wasm = hotpath-server on toRouteTable(app), directive vectors (status, every field, body)", () => {
  it.each([...directiveTables.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const))(
    "%s; hotpath-server on the vectors that are not handler routes (it answers those through the fallback process, which this suite does not start)",
    async (_name, table, vectors) => {
      const handlers = vectorHandlers(table);
      const app = HotpathServer.fromRouteTable(table, { handlers });
      const written = toRouteTable(app);
      const wasm = createFastWasmFetch({ instance: await newInstance(), routes: written, handlers });
      const server = await startServer(written);
      try {
        for (const v of vectors) {
          const init = { method: v.request.method, headers: requestFields(v) };
          const viaApp = await seenWithFields(await app.fetch(new Request(`http://p.test${v.request.path}`, init)));
          const viaWasm = await seenWithFields(await wasm.fetch(new Request(`http://p.test${v.request.path}`, init)));
          expect({ id: v.id, ...viaWasm }).toEqual({ id: v.id, ...viaApp });
          expect(viaApp.status).toBe(v.expect.status);
          if (v.expect.handler === true) continue;
          const viaNative = await seenWithFields(await httpFetch(`http://127.0.0.1:${server.port}${v.request.path}`, init));
          expect({ id: v.id, ...viaNative }).toEqual({ id: v.id, ...viaApp });
        }
      } finally {
        await server.stop();
      }
    },
  );
});
