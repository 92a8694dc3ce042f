// The directive vectors (tests/vectors/directives.jsonl) and their table
// errors through HotpathServer: an app made by fromRouteTable (with the
// vectors' handler for handler routes), and the same table written as a user
// writes it (app.use(cors(...)), header(), requireHeader(), groups,
// function handlers), each through app.fetch, a real Node server
// (node:http) and a real Bun server (Bun.serve), over loopback.
import { METHODS } from "node:http";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";

import { header, HotpathServer, text as text_, toRouteTable, type Context, type Handler } from "../../../adapters/index.js";
import { createFastWasmFetch } from "../../../adapters/wasm.js";
import { killAllServers, startServer } from "../native/server.js";
import { listen } from "../../../adapters/server/listen.js";
import { parseTable } from "../../../adapters/routing/table.js";
import { killBunServers, startBunServer } from "../support/bun-server.js";
import { directiveApp, vectorHandlers } from "../support/directive-apps.js";
import { httpFetch } from "../support/http-client.js";
import { directiveErrorVectors, directiveVectors, newInstance, root } from "../support/node-files.js";
import { onBun } from "../support/runtime.js";
import { fetchSkipReason, mismatches, requestFields, tableOf, type RoutingVector } from "../support/vectors.js";

const fetchable = directiveVectors.filter((v) => fetchSkipReason(v) === null);
const overHttp = fetchable.filter((v) => METHODS.includes(v.request.method));
const byTable = new Map<string, RoutingVector[]>();
for (const v of overHttp) byTable.set(tableOf(v, {}), [...(byTable.get(tableOf(v, {})) ?? []), v]);
const tables = [...byTable.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const);

const fromTable = (table: string) => HotpathServer.fromRouteTable(table, { handlers: vectorHandlers(table) });
const request = (base: string, v: RoutingVector) => new Request(`${base}${v.request.path}`, { method: v.request.method, headers: requestFields(v) });

describe("every directive vector can be fetched", () => {
  it("skips none", () => {
    expect(fetchable.length).toBe(directiveVectors.length);
    expect(overHttp.length).toBe(directiveVectors.length);
  });
});

describe.each([
  ["fromRouteTable", fromTable],
  ["app.use(cors(), header(), requireHeader()), groups, handlers", directiveApp],
  ["fromRouteTable, compiled matcher", (table: string) => HotpathServer.fromRouteTable(table, { handlers: vectorHandlers(table), compile: true })],
] as const)("app.fetch, %s, every directive vector", (_name, make) => {
  it.each(fetchable.map((v) => [v.id, v] as const))("%s", async (_id, v) => {
    const app = make(tableOf(v, {}));
    expect(await mismatches(v, await app.fetch(request("http://app.test", v)))).toEqual([]);
  });
});

describe("the two apps write the vectors' tables back", () => {
  it.each(tables)("%s", (_name, table) => {
    const written = toRouteTable(directiveApp(table));
    expect(toRouteTable(fromTable(table))).toBe(written);
    // Same directives and routes as the table, in the same order.
    const a = parseTable(table);
    const b = parseTable(written);
    expect(b.middleware).toEqual(a.middleware.map((d) => ({ ...d, line: expect.any(Number) })));
    expect(b.entries.map((e) => [e.value.kind, e.value.method, e.value.path, e.value.directives.map((d) => ({ ...d, line: 0 }))])).toEqual(
      a.entries.map((e) => [e.value.kind, e.value.method, e.value.path, e.value.directives.map((d) => ({ ...d, line: 0 }))]),
    );
  });
});

async function overLoopback(base: string, vectors: readonly RoutingVector[]): Promise<Record<string, string[]>> {
  const problems: Record<string, string[]> = {};
  for (const v of vectors) {
    const response = await httpFetch(`${base}${v.request.path}`, { method: v.request.method, headers: requestFields(v) });
    const found = await mismatches(v, response);
    if (found.length) problems[v.id] = found;
  }
  return problems;
}

describe.each([
  ["fromRouteTable", fromTable],
  ["app.use(...) and groups", directiveApp],
] as const)("a real Node server (node:http), %s, every directive vector", (_name, make) => {
  it.each(tables)("%s", async (_table, table, vectors) => {
    const app = make(table);
    const server = onBun
      ? await listen(app.fetch, 0, { hostname: "127.0.0.1" }, "node", HotpathServer.definition(app))
      : await app.listen(0, { hostname: "127.0.0.1" });
    try {
      expect(await overLoopback(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
    } finally {
      await server.stop();
    }
  });
});

afterAll(killBunServers);

describe.each(["directives", "directive-app"] as const)("a real Bun server (Bun.serve), %s, every directive vector", (mode) => {
  it.each(tables)("%s", async (_name, table, vectors) => {
    const server = await startBunServer(table, {}, ["--max-http-header-size=65536"], mode);
    try {
      expect(await overLoopback(`http://127.0.0.1:${server.port}`, vectors)).toEqual({});
    } finally {
      await server.stop();
    }
  });
});

describe("fromRouteTable, every directive table error", () => {
  it.each(directiveErrorVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    let error: unknown;
    try {
      HotpathServer.fromRouteTable(v.table);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "RouteTableError", line: v.line });
    expect((error as Error).message).toContain(v.message_contains);
  });
});

describe("a handler's own fields and the directives' (HotpathServer, router.wasm, the app written with use())", () => {
  const table =
    "MIDDLEWARE\tHEADER\tX-App\tdemo\nMIDDLEWARE\tCORS\thttps://a.test,https://b.test\n" +
    "PROXY\tGET\t/h/:case\nROUTE_MIDDLEWARE\t0\tHEADER\tCache-Control\tno-store\n";
  const handler: Handler = (c) => {
    const own: Record<string, string> = {
      vary: "Accept-Encoding",
      "vary-origin": "accept, ORIGIN",
      star: "*",
      // OWS is spaces and tabs: a 0xA0 byte before it leaves no "Origin"
      // token (hotpath-server: tests/cpp/fallback_proxy_test.cpp, AVaryTokenIsTrimmedOfSpacesAndTabsOnly).
      nbsp: "Accept-Encoding, \u00a0Origin",
      tab: "Accept-Encoding,\t ORIGIN",
    };
    const headers = new Headers({ "x-app": "handler", "cache-control": "max-age=60", "x-own": "kept" });
    const which = c.params["case"]!;
    headers.set("vary", own[which] ?? "");
    if (own[which] === undefined) headers.delete("vary");
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    return which === "made" ? c.text("made", 200, headers) : new Response(`case ${which}`, { headers });
  };
  const handlers = { "GET /h/:case": handler };
  const expected: Record<string, string | null> = {
    vary: "Accept-Encoding, Origin",
    "vary-origin": "accept, ORIGIN",
    star: "*",
    nbsp: "Accept-Encoding, \u00a0Origin, Origin",
    tab: "Accept-Encoding,\t ORIGIN",
    none: "Origin",
    made: "Origin",
  };

  it.each(Object.keys(expected))("case %s: directive fields replace the handler's, Vary is added once, the rest stays", async (which) => {
    const apps = [
      HotpathServer.fromRouteTable(table, { handlers }),
      createFastWasmFetch({ instance: await newInstance(), routes: table, handlers }),
    ];
    for (const app of apps) {
      const response = await app.fetch(new Request(`http://t/h/${which}`, { headers: { origin: "https://b.test" } }));
      expect(response.headers.get("x-app")).toBe("demo");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-own")).toBe("kept");
      expect(response.headers.get("access-control-allow-origin")).toBe("https://b.test");
      expect(response.headers.get("vary")).toBe(expected[which]);
      expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    }
  });

  it("a field value is sent as its UTF-8 bytes on every path", async () => {
    const text = "MIDDLEWARE\tHEADER\tX-Name\tcafé\nGET\t/\t200\ttext/plain\tok\nPROXY\tGET\t/h\n";
    const h = { "GET /h": (c: Context) => c.text("h") };
    const bytes = "caf\u00c3\u00a9";  // é as the bytes C3 A9
    for (const path of ["/", "/h"]) {
      expect((await HotpathServer.fromRouteTable(text, { handlers: h }).fetch(new Request(`http://t${path}`))).headers.get("x-name")).toBe(bytes);
      expect((await createFastWasmFetch({ instance: await newInstance(), routes: text, handlers: h }).fetch(new Request(`http://t${path}`))).headers.get("x-name")).toBe(bytes);
      const app = new HotpathServer().use(header("x-name", "café")).get("/", text_("ok")).get("/h", h["GET /h"]);
      expect((await app.fetch(new Request(`http://t${path}`))).headers.get("x-name")).toBe(bytes);
    }
    const server = await startServer(text);
    try {
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const socket = connect(server.port, "127.0.0.1", () => socket.end("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        const chunks: Buffer[] = [];
        socket.on("data", (d) => chunks.push(d));
        socket.on("end", () => resolve(Buffer.concat(chunks)));
        socket.on("error", reject);
      });
      expect(raw.includes(Buffer.from("X-Name: caf\xc3\xa9\r\n", "latin1"))).toBe(true);  // the same bytes C3 A9
    } finally {
      await server.stop();
      await killAllServers();
    }
  });
});
