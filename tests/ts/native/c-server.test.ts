// @hotpath/server/c: CServer writes its routes as a table, starts the REAL
// native server (build/hotpath-server, or HOTPATH_SERVER_BINARY) and is
// checked over real HTTP on 127.0.0.1. Nothing is skipped: without the
// binary this suite fails and says to run `make native`.
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CServer, cors, header, json, jsonTemplate, requireHeader, template, text, type RunningCServer } from "../../../adapters/c.js";
import { freePort } from "../../../adapters/hotpath-process.js";
import { Hotpath } from "../../../adapters/index.js";
import { directiveApp } from "../support/directive-apps.js";
import { httpFetch } from "../support/http-client.js";
import { directiveVectors } from "../support/node-files.js";
import { mismatches, requestFields, tableOf, type RoutingVector } from "../support/vectors.js";
import { parseAll } from "../support/http-responses.js";
import { exchange, RawClient } from "../support/raw-client.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fromEnv = process.env["HOTPATH_SERVER_BINARY"];
const binary = fromEnv !== undefined && fromEnv !== "" ? fromEnv : `${root}build/hotpath-server`;

// Temporary table directories CServer has not cleaned up.
const tableDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith("hotpath-c-")).sort();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

describe("CServer before any process starts", () => {
  it("takes function handlers as handler routes (PROXY lines), and refuses what is neither", () => {
    const app = new CServer().get("/", text("ok")).post("/x", async () => new Response("ok"));
    expect(app.routeTable()).toBe("GET\t/\t200\ttext/plain; charset=utf-8\tok\nPROXY\tPOST\t/x\n");
    // @ts-expect-error: a plain object is not a reply
    expect(() => app.get("/", { body: "ok" })).toThrow(/expected a handler function or a reply made by text\(\)/);
    expect(() => app.get("/a b", () => new Response("x"))).toThrow('route GET "/a b"');
  });

  it("checks each route when it is added, naming it", () => {
    const app = new CServer();
    expect(() => app.get("/a b", text("x"))).toThrow('route GET "/a b"');
    expect(() => app.put("/x", json({ a: "{b}" }))).toThrow(/route PUT "\/x": the body contains \{b\}/);
    expect(() => app.get("/hello/:name", template("{nope}"))).toThrow(/placeholder \{nope\} names no parameter/);
    expect(app.routeTable()).toBe("");  // nothing half-added
  });

  it("writes one table line per route, all() as ANY, in order", () => {
    const app = new CServer()
      .get("/", text("ok"))
      .head("/", text(""))
      .options("/o", text("", 204, ""))
      .patch("/p", text("p"))
      .all("/any", text("any"));
    expect(app.routeTable()).toBe(
      "GET\t/\t200\ttext/plain; charset=utf-8\tok\n" +
        "HEAD\t/\t200\ttext/plain; charset=utf-8\t\n" +
        "OPTIONS\t/o\t204\t\t\n" +
        "PATCH\t/p\t200\ttext/plain; charset=utf-8\tp\n" +
        "ANY\t/any\t200\ttext/plain; charset=utf-8\tany\n",
    );
  });

  it("names the binary it was given when that is missing", async () => {
    const app = new CServer().get("/", text("ok"));
    await expect(app.listen(await freePort(), { binary: `${root}build/no-such-hotpath-server` })).rejects.toThrow(
      /hotpath-server not found at .*no-such-hotpath-server \(options.binary or HOTPATH_SERVER_BINARY\)/,
    );
  });

  it("rejects bad ports and options, leaving no temporary table behind", async () => {
    const app = new CServer().get("/", text("ok"));
    const dirsBefore = tableDirs();
    await expect(app.listen(70000)).rejects.toThrow(RangeError);
    await expect(app.listen(1.5)).rejects.toThrow(RangeError);
    await expect(app.listen(3000, { threads: 0 })).rejects.toThrow(/--threads must be a positive integer/);
    await expect(app.listen(3000, { idleTimeoutMs: 2.5 })).rejects.toThrow(/idleTimeoutMs must be an integer from 1 to 86400000, got 2.5/);
    await expect(app.listen(3000, { maxHeaderBytes: 100 })).rejects.toThrow(/maxHeaderBytes must be an integer from 256/);
    await expect(app.listen(3000, { maxBodyBytes: -1 })).rejects.toThrow(/maxBodyBytes/);
    await expect(app.listen(3000, { binary: process.execPath, hostname: "bad\u0000host" })).rejects.toThrow(/null bytes/);
    expect(tableDirs()).toEqual(dirsBefore);
  });
});

describe(`hotpath-server (${binary}) over real HTTP`, () => {
  let server: RunningCServer;
  let base = "";

  beforeAll(async () => {
    if (!existsSync(binary)) {
      throw new Error(`${binary} is missing: run \`make native\` first (this suite runs the real native server and skips nothing)`);
    }
    const app = new CServer()
      .get("/", text("ok"))
      .get("/hello/:name", template("hello {name}"))
      .get("/users/:id", jsonTemplate({ id: "{id}" }))
      .delete("/users/:id", text("", 204))
      .get("/escapes", text("a\tb\nc\\d\r\n{\"ok\":true}"))
      .all("/any", text("any"));
    server = await app.listen(await freePort(), { threads: 2 });
    base = `http://127.0.0.1:${server.port}`;
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  it("serves a global text route", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("server")).toBe("hotpath");
    expect(await response.text()).toBe("ok");
    expect((await fetch(`${base}/missing`)).status).toBe(404);
  });

  it("fills template placeholders with the decoded parameter", async () => {
    const response = await fetch(`${base}/hello/rai?x=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello rai");
    expect(await (await fetch(`${base}/hello/r%C3%A9`)).text()).toBe("hello ré");
  });

  it("answers jsonTemplate routes as JSON that a parameter cannot break", async () => {
    const plain = await fetch(`${base}/users/42`);
    expect(plain.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await plain.json()).toEqual({ id: "42" });
    const injected = await fetch(`${base}/users/x%22,%22admin%22:true`);
    expect(injected.status).toBe(200);
    expect(injected.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await injected.json()).toEqual({ id: 'x","admin":true' });
  });

  it("serves bodies with tabs, newlines, backslashes and literal braces as written", async () => {
    expect(await (await fetch(`${base}/escapes`)).text()).toBe("a\tb\nc\\d\r\n{\"ok\":true}");
  });

  it("answers HEAD with the GET's headers and no body", async () => {
    const head = await fetch(`${base}/hello/rai`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(head.headers.get("content-length")).toBe("9");
    expect(await head.text()).toBe("");
  });

  it("answers 405 with Allow, 204 without a body, and ANY for every method", async () => {
    const post = await fetch(`${base}/hello/rai`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(await post.text()).toBe("Method Not Allowed");
    const put = await fetch(`${base}/users/1`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, HEAD, DELETE");
    const deleted = await fetch(`${base}/users/1`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get("content-length")).toBeNull();
    for (const method of ["GET", "PUT", "PROPFIND"]) {
      const any = await fetch(`${base}/any`, { method });
      expect(any.status).toBe(200);
      expect(await any.text()).toBe("any");
    }
  });

  it("reports a port in use with the server's own message", async () => {
    const second = new CServer().get("/", text("second"));
    const failure = second.listen(server.port, { threads: 1 });
    await expect(failure).rejects.toThrow(/in use/i);
    await expect(failure).rejects.toThrow(`127.0.0.1:${server.port}`);
    expect(await (await fetch(`${base}/`)).text()).toBe("ok");  // the first one is untouched
  });

  it("reports a table the server refuses, naming the route", async () => {
    const app = new CServer().get("/a/:x", text("x")).get("/a/:y", text("y"));
    await expect(app.listen(await freePort(), { threads: 1 })).rejects.toThrow(
      /exited \(status 1\) before listening: .*duplicate route.*\(line 2 is GET \/a\/:y\)/s,
    );
  });

  it("listens on a free port when given 0", async () => {
    const running = await new CServer().get("/", text("zero")).listen(0, { threads: 1 });
    try {
      expect(running.port).toBeGreaterThan(0);
      expect(await (await fetch(`http://127.0.0.1:${running.port}/`)).text()).toBe("zero");
    } finally {
      await running.stop();
    }
  });

  it("passes the limits on as hotpath-server's flags (maxBodyBytes, maxHeaderBytes, headerTimeoutMs, maxConnections, ...)", async () => {
    const running = await new CServer().get("/", text("ok")).post("/", text("posted")).listen(0, {
      threads: 1, maxBodyBytes: 10, maxHeaderBytes: 1024, headerTimeoutMs: 300, idleTimeoutMs: 5_000, writeTimeoutMs: 5_000, maxConnections: 2,
    });
    const statuses = async (request: string, timeoutMs = 3_000) => {
      const reply = await exchange(running.port, request, { timeoutMs });
      return parseAll(reply.data, false, reply.closedByServer).map((r) => r.status);
    };
    try {
      expect(await statuses("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789")).toContain(200);
      expect(await statuses("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n01234567890")).toEqual([413]);
      expect(await statuses(`GET / HTTP/1.1\r\nHost: t\r\nX-A: ${"a".repeat(1_100)}\r\n\r\n`)).toEqual([431]);
      expect(await statuses("GET / HTT")).toEqual([408]);
      const held = [await RawClient.connect(running.port), await RawClient.connect(running.port)];
      try {
        const third = await RawClient.connect(running.port);
        await third.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        expect(await third.waitForClose(3_000), "a third connection is closed at once").toBe(true);
        expect(third.data.length).toBe(0);
      } finally {
        for (const c of held) c.destroy();
      }
    } finally {
      await running.stop();
    }
  });

  it("stop() ends the process, removes its table and releases the port", async () => {
    const port = await freePort();
    const dirsBefore = tableDirs();
    const first = await new CServer().get("/", text("first")).listen(port, { threads: 1 });
    expect(isRunning(first.pid)).toBe(true);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("first");
    await first.stop();
    await first.stop();  // idempotent
    expect(isRunning(first.pid)).toBe(false);
    expect(tableDirs()).toEqual(dirsBefore);

    const again = await new CServer().get("/", text("again")).listen(port, { threads: 1 });
    try {
      expect(again.pid).not.toBe(first.pid);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("again");
    } finally {
      await again.stop();
    }
    expect(isRunning(again.pid)).toBe(false);
  });
});

describe("directives on the native server: CServer.use() and Hotpath({ adapter: \"c\" })", () => {
  // Every directive vector whose table has no handler route: the table as
  // an app of app.use(...) and groups, started by Hotpath({ adapter: "c" }).
  const tables = new Map<string, RoutingVector[]>();
  for (const v of directiveVectors) {
    const table = tableOf(v, {});
    if (/^PROXY/m.test(table)) continue;
    tables.set(table, [...(tables.get(table) ?? []), v]);
  }

  it.each([...tables.entries()].map(([table, vs], i) => [`table ${i + 1} (${vs.length} vectors)`, table, vs] as const))("%s", async (_name, table, vectors) => {
    const running = await directiveApp(table, Hotpath({ adapter: "c" })).listen(0, { threads: 1 });
    try {
      for (const v of vectors) {
        const response = await httpFetch(`http://127.0.0.1:${running.port}${v.request.path}`, { method: v.request.method, headers: requestFields(v) });
        expect({ id: v.id, problems: await mismatches(v, response) }).toEqual({ id: v.id, problems: [] });
      }
    } finally {
      await running.stop();
    }
  });

  it("CServer.use(cors(), header(), requireHeader()) writes MIDDLEWARE lines and hotpath-server applies them", async () => {
    const app = new CServer().use(cors({ origin: "https://a.test" })).use(header("x-app", "demo")).use(requireHeader("x-key", "k")).get("/", text("ok"));
    expect(app.routeTable()).toBe(
      "MIDDLEWARE\tCORS\thttps://a.test\tGET, HEAD, PUT, POST, DELETE, PATCH\n" +
        "MIDDLEWARE\tHEADER\tx-app\tdemo\n" +
        "MIDDLEWARE\tREQUIRE_HEADER\tx-key\tk\n" +
        "GET\t/\t200\ttext/plain; charset=utf-8\tok\n",
    );
    expect(() => app.use(cors())).toThrow(/one CORS line/);
    const running = await app.listen(0, { threads: 1 });
    try {
      const denied = await httpFetch(`http://127.0.0.1:${running.port}/`);
      expect([denied.status, denied.headers.get("x-app"), denied.headers.get("access-control-allow-origin")]).toEqual([401, "demo", "https://a.test"]);
      const ok = await httpFetch(`http://127.0.0.1:${running.port}/`, { headers: [["x-key", "k"]] });
      expect([ok.status, await ok.text(), ok.headers.get("vary")]).toEqual([200, "ok", "Origin"]);
    } finally {
      await running.stop();
    }
  });
});
