// HotpathServer (@hotpath/server): the original toolkit's checks, each run
// through app.fetch and over real loopback HTTP against app.listen on Node
// (node:http). Bun's listen is covered by tests/ts/server/vectors.test.ts;
// here only the choice of Bun's native routes is checked, as data.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { CServer } from "../../../adapters/c.js";
import { Router } from "../../../adapters/routing/router.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { parseRouteTable } from "../../../adapters/routing/table.js";
import {
  cors,
  FastServer,
  header,
  Hotpath,
  HotpathServer,
  html,
  json,
  jsonTemplate,
  requireHeader,
  RouteDefinitionError,
  template,
  text,
  toRouteTable,
  type Middleware,
  type RunningServer,
} from "../../../adapters/index.js";
import { bunRoutes } from "../../../adapters/server/bun-routes.js";
import { listen } from "../../../adapters/server/listen.js";
import { constantTimeEqual } from "../../../adapters/server/middleware/constant-time.js";
import { root } from "../support/node-files.js";
import { onBun } from "../support/runtime.js";

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

type Send = (method: string, path: string, headers?: Record<string, string>, body?: string) => Promise<Answer>;

function inProcess(app: HotpathServer): Send {
  return async (method, path, headers = {}, body) => {
    const response = await app.fetch(new Request(`http://app.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
}

// node:http sends the path as given (no URL normalisation), so "/users/%zz"
// reaches the server as it is.
function overHttp(port: () => number): Send {
  return (method, path, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: port(), method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const out = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
}

/** The raw answer to raw request bytes (for what a client library would tidy up). */
function rawHttp(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (out += chunk));
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

const AUTH = "Bearer bench-token";

/** The app of the original toolkit's checks. */
function buildApp(log: string[] = []): HotpathServer {
  const admin = new HotpathServer()
    .use(requireHeader("authorization", AUTH))
    .get("/stats", text("secret stats"));

  const api = new HotpathServer()
    .use(async (c, next) => {
      c.header("x-group", "api");
      await next();
    })
    .get("/", (c) => c.text("api root"))
    .get("/items/:id", (c) => c.json({ item: c.params["id"] }))
    .route("/admin", admin);

  return new HotpathServer()
    .use(cors())
    .use(header("x-powered-by", "hotpath"))
    .get("/", (c) => c.text("ok"))
    .get("/users/:id", (c) => c.json({ id: c.params["id"] }))
    .get("/search", (c) => c.json(c.query))
    .get("/hello/:name", template("hello {name}"))
    .get("/boom", () => {
      throw new Error("secret detail /etc/passwd");
    })
    .get("/reject", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error("rejected");
    })
    .get("/wrapped", () => new Response("own", { headers: { "x-own": "1" } }))
    .get("/status", (c) => {
      c.status(201);
      return c.html("<b>made</b>");
    })
    .get("/go", (c) => c.redirect("/hello/rai"))
    .get("/missing", (c) => c.notFound())
    .get("/empty", () => new Response(null, { status: 204, headers: { "content-length": "0" } }))
    .post("/echo", async (c) => c.text(`got ${await c.req.text()}`))
    .get("/stream", () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const encoder = new TextEncoder();
          for (const part of ["a", "b", "c"]) controller.enqueue(encoder.encode(part));
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/plain" } });
    })
    .route("/api", api)
    .onError((error, c) => {
      log.push(error.message);
      return c.text("custom error", 500);
    });
}

let server: RunningServer;
const app = buildApp();
beforeAll(async () => {
  server = await app.listen(0);
});
afterAll(async () => {
  await server.stop();
});

describe.each([
  ["app.fetch", () => inProcess(app)],
  ["node:http over loopback", () => overHttp(() => server.port)],
] as const)("the toolkit's checks through %s", (_name, make) => {
  let send: Send;
  beforeAll(() => {
    send = make();
  });

  it("a static route: c.text('ok')", async () => {
    const r = await send("GET", "/");
    expect(r).toMatchObject({ status: 200, body: "ok" });
    expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("/users/:id with c.json({ id })", async () => {
    const r = await send("GET", "/users/42");
    expect(r).toMatchObject({ status: 200, body: '{"id":"42"}' });
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await send("GET", "/users/a%20b%2Fc")).body).toBe('{"id":"a b/c"}');  // decoded
  });

  it("a repeated query key is an array, a single one a string", async () => {
    const r = await send("GET", "/search?tag=a&tag=b&q=x");
    expect(JSON.parse(r.body)).toEqual({ tag: ["a", "b"], q: "x" });
    expect(JSON.parse((await send("GET", "/search?q=a+b%21&bad=%zz")).body)).toEqual({ q: "a b!", bad: "%zz" });
  });

  it("404 with the router's body, middleware applied", async () => {
    const r = await send("GET", "/nope");
    expect(r).toMatchObject({ status: 404, body: "Not Found" });
    expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("x-powered-by")).toBe("hotpath");
  });

  it("405 with Allow for an existing path and another method", async () => {
    const r = await send("POST", "/users/42");
    expect(r).toMatchObject({ status: 405, body: "Method Not Allowed" });
    expect(r.headers.get("allow")).toBe("GET, HEAD");
    expect(r.headers.get("x-powered-by")).toBe("hotpath");
    expect((await send("DELETE", "/echo")).headers.get("allow")).toBe("POST");
  });

  it("a declarative template with cors() and header()", async () => {
    const r = await send("GET", "/hello/rai", { origin: "https://example.test" });
    expect(r).toMatchObject({ status: 200, body: "hello rai" });
    expect(r.headers.get("x-powered-by")).toBe("hotpath");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("cors() answers a preflight with 204 before routing", async () => {
    const r = await send("OPTIONS", "/users/1", {
      origin: "https://example.test",
      "access-control-request-method": "PUT",
      "access-control-request-headers": "x-a",
    });
    expect(r).toMatchObject({ status: 204, body: "" });
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("access-control-allow-methods")).toBe("GET, HEAD, PUT, POST, DELETE, PATCH");
    expect(r.headers.get("access-control-allow-headers")).toBe("x-a");
    expect(r.headers.get("content-length")).toBeNull();
    // A plain OPTIONS is routed: no OPTIONS route here, so 405.
    expect((await send("OPTIONS", "/users/1")).status).toBe(405);
  });

  it("requireHeader: 401 without the header, 200 with it", async () => {
    const denied = await send("GET", "/api/admin/stats");
    expect(denied).toMatchObject({ status: 401, body: "Unauthorized" });
    expect(denied.headers.get("www-authenticate")).toBe("Bearer");
    expect((await send("GET", "/api/admin/stats", { authorization: "Bearer bench-tokeN" })).status).toBe(401);
    expect((await send("GET", "/api/admin/stats", { authorization: "Bearer bench-token2" })).status).toBe(401);
    const allowed = await send("GET", "/api/admin/stats", { authorization: AUTH });
    expect(allowed).toMatchObject({ status: 200, body: "secret stats" });
    // An escaped path reaches the same route, and the same guard.
    expect((await send("GET", "/api/%61dmin/stats")).status).toBe(401);
  });

  it("a throwing handler answers 500 through onError, with no detail leaked", async () => {
    const r = await send("GET", "/boom");
    expect(r).toMatchObject({ status: 500, body: "custom error" });
    expect(r.body).not.toContain("passwd");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");  // outer middleware still ran
  });

  it("a rejecting async handler answers 500", async () => {
    expect(await send("GET", "/reject")).toMatchObject({ status: 500, body: "custom error" });
  });

  it("groups: routes under the prefix, the group's middleware only on them", async () => {
    const root = await send("GET", "/api");
    expect(root).toMatchObject({ status: 200, body: "api root" });
    expect(root.headers.get("x-group")).toBe("api");
    const item = await send("GET", "/api/items/7");
    expect(item.body).toBe('{"item":"7"}');
    expect(item.headers.get("x-group")).toBe("api");
    expect(item.headers.get("x-powered-by")).toBe("hotpath");
    expect((await send("GET", "/")).headers.get("x-group")).toBeNull();
    const miss = await send("GET", "/api/nope");
    expect(miss.status).toBe(404);
    expect(miss.headers.get("x-group")).toBeNull();
  });

  it("HEAD: no body, the GET's status, content type and Content-Length", async () => {
    const declarative = await send("HEAD", "/hello/rai");
    expect(declarative).toMatchObject({ status: 200, body: "" });
    expect(declarative.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(declarative.headers.get("content-length")).toBe("9");
    const handler = await send("HEAD", "/users/42");
    expect(handler).toMatchObject({ status: 200, body: "" });
    expect(handler.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(handler.headers.get("content-length")).toBe("11");
    const missing = await send("HEAD", "/nope");
    expect(missing).toMatchObject({ status: 404, body: "" });
    expect(missing.headers.get("content-length")).toBe("9");
    const wrongMethod = await send("HEAD", "/echo");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("content-length")).toBe("18");
  });

  it("a malformed percent-escape is 400, never 500", async () => {
    for (const path of ["/users/%zz", "/users/%4", "/users/%FF", "/%C3%28"]) {
      const r = await send("GET", path);
      expect(r, path).toMatchObject({ status: 400, body: "Bad Request" });
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    }
  });

  it("c.header() merges into a handler's own Response; c.status, c.html, c.redirect, c.notFound", async () => {
    const own = await send("GET", "/wrapped");
    expect(own.body).toBe("own");
    expect(own.headers.get("x-own")).toBe("1");
    expect(own.headers.get("x-powered-by")).toBe("hotpath");
    const made = await send("GET", "/status");
    expect(made).toMatchObject({ status: 201, body: "<b>made</b>" });
    expect(made.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const go = await send("GET", "/go");
    expect(go.status).toBe(302);
    expect(go.headers.get("location")).toBe("/hello/rai");
    expect(await send("GET", "/missing")).toMatchObject({ status: 404, body: "Not Found" });
  });

  it("204 keeps no body and no Content-Length", async () => {
    const r = await send("GET", "/empty");
    expect(r).toMatchObject({ status: 204, body: "" });
    expect(r.headers.get("content-length")).toBeNull();
  });

  it("request bodies and streamed answers", async () => {
    expect(await send("POST", "/echo", { "content-type": "text/plain" }, "payload")).toMatchObject({ status: 200, body: "got payload" });
    expect((await send("GET", "/stream")).body).toBe("abc");
  });
});

describe("over the wire (node:http)", () => {
  // listen() serves with node:http on Node; under `bun test` it would pick
  // Bun.serve, so the node listener is asked for by name there.
  let node: RunningServer;
  beforeAll(async () => {
    node = onBun ? await listen(app.fetch, 0, {}, "node", HotpathServer.definition(app)) : server;
  });
  afterAll(async () => {
    if (node !== server) await node.stop();
  });

  it("sends Content-Length for buffered bodies and HEAD, none for 204, chunks for streams", async () => {
    const get = await rawHttp(node.port, "GET /hello/rai HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(get).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(get).toMatch(/\r\ncontent-length: 9\r\n/i);
    expect(get.endsWith("\r\n\r\nhello rai")).toBe(true);
    const head = await rawHttp(node.port, "HEAD /users/42 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(head).toMatch(/\r\ncontent-length: 11\r\n/i);
    expect(head.endsWith("\r\n\r\n")).toBe(true);
    const empty = await rawHttp(node.port, "GET /empty HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(empty).toMatch(/^HTTP\/1\.1 204 /);
    expect(empty).not.toMatch(/content-length/i);
    const stream = await rawHttp(node.port, "GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(stream).toMatch(/\r\ntransfer-encoding: chunked\r\n/i);
  });

  it("routes the raw target: '//x' stays a path, a bad Host is 400, a 16 KB target is 414", async () => {
    const slashes = await rawHttp(node.port, "GET //evil.test/users/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(slashes).toMatch(/^HTTP\/1\.1 404 /);
    const badHost = await rawHttp(node.port, "GET /users/1 HTTP/1.1\r\nHost: a/b\r\nConnection: close\r\n\r\n");
    expect(badHost).toMatch(/^HTTP\/1\.1 400 /);
    const absolute = await rawHttp(node.port, "GET http://t/users/5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    expect(absolute.endsWith('{"id":"5"}')).toBe(true);
    const long = await rawHttp(node.port, `GET /${"a".repeat(16 * 1024)} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 414 /);
    expect(long.endsWith("URI Too Long")).toBe(true);
  });

  it("direct answers (no Request or Response made) equal the full fetch path: status, fields (but Date) and body", async () => {
    // Replies and router errors are written straight to the socket on Node
    // (server/direct-answer.ts); an app with a pass-through middleware never
    // takes that path. Both must answer every raw request alike, including
    // targets the URL parser rewrites and Hosts it refuses.
    const routes = (a: HotpathServer) =>
      a.get("/", text("ok")).get("/hello/:name", template("hello {name}")).get("/json", json({ ok: true }))
        .get("/h/:v", html("<b>{v}</b>")).get("/empty", text("", 204)).post("/form", text("posted"));
    // node:http by name: under `bun test`, listen() would pick Bun.serve.
    const onNode = (a: HotpathServer) => listen(a.fetch, 0, {}, "node", HotpathServer.definition(a));
    const direct = await onNode(routes(new HotpathServer()));
    const full = await onNode(routes(new HotpathServer().use((_c, next) => next())));
    try {
      const requests = [
        "GET /hello/rai", "GET /hello/a%20b", "GET /hello/a%zz", "GET /hello/../json", "GET /hello/%2e%2e/json",
        "GET /hello/./x", "GET /hello/a\\b", "GET /hello/a\"b", "GET /hello/a'b?q='x'", "GET /hello/a{b}", "GET /h/<i>",
        "GET /json?x=1", "GET /nope", "POST /json", "HEAD /hello/rai", "HEAD /nope", "GET /empty", "HEAD /empty",
        "DELETE /form", "OPTIONS /json", "TRACE /json", `GET /hello/${"a".repeat(9000)}`, "GET /hello/caf%C3%A9",
        "GET /hello/%FF", "GET //json", "GET /.well-known/x", "GET /hello/x?a=/../",
      ];
      const hosts = ["t", "t:8080", "t:99999", "a%zz", "[::1]:80", "xn--a"];
      // Status line, header fields (lowercased, sorted: Node orders and cases
      // them by how they were set) without Date, and the body.
      const strip = (wire: string) => {
        const end = wire.indexOf("\r\n\r\n");
        const [statusLine, ...fields] = wire.slice(0, end).split("\r\n");
        const kept = fields.map((f) => f.replace(/^[^:]+/, (n) => n.toLowerCase())).filter((f) => !f.startsWith("date:")).sort();
        return [statusLine, ...kept, "", wire.slice(end + 4)].join("\n");
      };
      for (const line of requests) {
        for (const host of hosts) {
          const bytes = `${line} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
          const [a, b] = await Promise.all([rawHttp(direct.port, bytes), rawHttp(full.port, bytes)]);
          expect(strip(a), `${line} (Host: ${host})`).toBe(strip(b));
        }
      }
    } finally {
      await direct.stop();
      await full.stop();
    }
  });

  it("the Request is a Request whose signal aborts when the client goes away before the answer, and never after a whole answer", async () => {
    // The listener makes the signal only when a handler reads it
    // (server/node-request.ts); read before or after the client leaves, it
    // must tell the same.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let abortEvents = 0;
    const seen: Array<{ path: string; instance: boolean; aborted: boolean; method: string; host: string | null; body?: string }> = [];
    const probe = new HotpathServer()
      .get("/wait", async (c) => {
        c.req.signal.addEventListener("abort", () => abortEvents++);
        await held;
        seen.push({ path: "/wait", instance: c.req instanceof Request, aborted: c.req.signal.aborted, method: c.req.method, host: c.req.headers.get("host") });
        return c.text("late");
      })
      .get("/late-read", async (c) => {
        await held;
        seen.push({ path: "/late-read", instance: c.req instanceof Request, aborted: c.req.signal.aborted, method: c.req.method, host: c.req.headers.get("host") });
        return c.text("late");
      })
      .post("/done", async (c) => {
        const body = await c.req.text();
        seen.push({ path: "/done", instance: c.req instanceof Request, aborted: c.req.signal.aborted, method: c.req.method, host: c.req.headers.get("host"), body });
        return c.text("ok");
      });
    const running = await listen(probe.fetch, 0, { hostname: "127.0.0.1" }, "node", HotpathServer.definition(probe));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      const whole = await rawHttp(running.port, "POST /done HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd");
      expect(whole.endsWith("\r\n\r\nok")).toBe(true);
      for (const path of ["/wait", "/late-read"]) {
        const socket = connect(running.port, "127.0.0.1");
        await new Promise<void>((ready) => socket.once("connect", ready));
        socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
        await pause(100);
        socket.destroy();
      }
      await pause(100);
      expect(abortEvents).toBe(1);
      release();
      for (let i = 0; i < 100 && seen.length < 3; i++) await pause(20);
    } finally {
      await running.stop();
    }
    expect(abortEvents).toBe(1);
    expect(seen).toEqual([
      { path: "/done", instance: true, aborted: false, method: "POST", host: "t", body: "abcd" },
      { path: "/wait", instance: true, aborted: true, method: "GET", host: "t" },
      { path: "/late-read", instance: true, aborted: true, method: "GET", host: "t" },
    ]);
  });

  it("listen(0) reports the real port; stop() closes it", async () => {
    const other = await new HotpathServer().get("/", text("x")).listen(0, { hostname: "127.0.0.1" });
    expect(other.port).toBeGreaterThan(0);
    expect((await overHttp(() => other.port)("GET", "/")).body).toBe("x");
    await other.stop();
    await expect(overHttp(() => other.port)("GET", "/")).rejects.toThrow();
  });
});

describe("middleware", () => {
  it("runs in onion order, for routes and 404 alike", async () => {
    const log: string[] = [];
    const step = (name: string): Middleware => async (_c, next) => {
      log.push(`${name} in`);
      await next();
      log.push(`${name} out`);
    };
    const onion = new HotpathServer()
      .use(step("a"))
      .get("/", (c) => {
        log.push("handler");
        return c.text("ok");
      })
      .use(step("b"));  // added after the route, still runs for it
    expect((await onion.fetch(new Request("http://t/"))).status).toBe(200);
    expect(log).toEqual(["a in", "b in", "handler", "b out", "a out"]);
    log.length = 0;
    expect((await onion.fetch(new Request("http://t/nope"))).status).toBe(404);
    expect(log).toEqual(["a in", "b in", "b out", "a out"]);
  });

  it("sees and replaces the answer after next(); a returned Response short-circuits", async () => {
    const app = new HotpathServer()
      .use(async (c, next) => {
        await next();
        c.res = new Response(`${await c.res.text()}!`, { status: c.res.status });
      })
      .use("/closed", () => new Response("closed", { status: 403 }))
      .get("/", text("hi"))
      .get("/closed/x", text("never"));
    expect(await (await app.fetch(new Request("http://t/"))).text()).toBe("hi!");
    const closed = await app.fetch(new Request("http://t/closed/x"));
    expect([closed.status, await closed.text()]).toEqual([403, "closed!"]);
    expect(await (await app.fetch(new Request("http://t/closedx"))).text()).toBe("Not Found!");  // segment-wise prefix
  });

  it("calling next() twice, or never answering, is a 500, never a hang", async () => {
    const errors: string[] = [];
    const twice = new HotpathServer()
      .use(async (_c, next) => {
        await next();
        await next();
      })
      .get("/", text("ok"))
      .onError((error, c) => {
        errors.push(error.message);
        return c.text("handled", 500);
      });
    expect((await twice.fetch(new Request("http://t/"))).status).toBe(500);
    expect(errors).toEqual(["next() called more than once by one middleware"]);
    const silent = new HotpathServer().use(async () => {}).get("/", text("ok"));
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await silent.fetch(new Request("http://t/"));
    expect([r.status, await r.text()]).toEqual([500, "Internal Server Error"]);
    spy.mockRestore();
  });

  it("the default onError is a bare 500 text/plain; a failing onError falls back to it", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const plain = new HotpathServer().get("/", async () => {
      throw new Error("stack please");
    });
    const r = await plain.fetch(new Request("http://t/"));
    expect([r.status, r.headers.get("content-type"), await r.text()]).toEqual([500, "text/plain; charset=utf-8", "Internal Server Error"]);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    const broken = new HotpathServer()
      .get("/", () => Promise.reject(new Error("x")))
      .onError(() => {
        throw new Error("onError broke");
      });
    expect(await (await broken.fetch(new Request("http://t/"))).text()).toBe("Internal Server Error");
    const notAResponse = new HotpathServer().get("/", (() => "ok") as never).onError((e, c) => c.text(e.message, 500));
    expect(await (await notAResponse.fetch(new Request("http://t/"))).text()).toBe("the route handler returned string, expected a Response");
  });

  it("notFound() replaces the 404 answer, also for c.notFound()", async () => {
    const app = new HotpathServer()
      .notFound((c) => c.json({ missing: new URL(c.req.url).pathname }, 404))
      .get("/gone", (c) => c.notFound());
    expect(await (await app.fetch(new Request("http://t/x"))).json()).toEqual({ missing: "/x" });
    expect(await (await app.fetch(new Request("http://t/gone"))).json()).toEqual({ missing: "/gone" });
    const head = await app.fetch(new Request("http://t/x", { method: "HEAD" }));
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([404, "16", ""]);  // {"missing":"/x"}
  });

  it("cors() options: a list of origins, credentials, exposed headers, max age", async () => {
    const app = new HotpathServer()
      .use(cors({ origin: ["https://a.test", "https://c.test"], credentials: true, exposeHeaders: ["x-total"], maxAge: 600, allowHeaders: ["content-type"] }))
      .get("/", text("ok"));
    const listed = await app.fetch(new Request("http://t/", { headers: { origin: "https://a.test" } }));
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://a.test");
    expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(listed.headers.get("access-control-expose-headers")).toBe("x-total");
    expect(listed.headers.get("vary")).toBe("Origin");
    const other = await app.fetch(new Request("http://t/", { headers: { origin: "https://b.test" } }));
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await app.fetch(
      new Request("http://t/", { method: "OPTIONS", headers: { origin: "https://a.test", "access-control-request-method": "POST" } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(() => cors({ credentials: true })).toThrow(/explicit origin/);
    // A list of one is that origin alone, as in a table: always sent.
    const one = new HotpathServer().use(cors({ origin: ["https://a.test"] })).get("/", text("ok"));
    const unlisted = await one.fetch(new Request("http://t/", { headers: { origin: "https://b.test" } }));
    expect([unlisted.headers.get("access-control-allow-origin"), unlisted.headers.get("vary")]).toEqual(["https://a.test", "Origin"]);
    expect(() => cors({ origin: [] })).toThrow(/allows no origin/);
    expect(() => cors({ methods: ["GET POST"] })).toThrow(/invalid CORS method/);
    expect(() => cors({ allowHeaders: ["a b"] })).toThrow(/invalid CORS header name/);
    const fn = new HotpathServer().use(cors({ origin: (o) => (o.endsWith(".test") ? o : null) })).get("/", text("ok"));
    expect((await fn.fetch(new Request("http://t/", { headers: { origin: "https://z.test" } }))).headers.get("access-control-allow-origin")).toBe(
      "https://z.test",
    );
  });

  it("header() and requireHeader() refuse bad names and values when created", () => {
    expect(() => header("bad name", "x")).toThrow(TypeError);
    expect(() => header("x", "a\nb")).toThrow(TypeError);
    expect(() => requireHeader("authorization", "a\r\nb")).toThrow(TypeError);
  });

  it("compares secrets as bytes, over every byte of the longer one", () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(constantTimeEqual(bytes("Bearer x"), bytes("Bearer x"))).toBe(true);
    expect(constantTimeEqual(bytes("Bearer x"), bytes("Bearer y"))).toBe(false);
    expect(constantTimeEqual(bytes("Bearer x"), bytes("Bearer x "))).toBe(false);
    expect(constantTimeEqual(bytes(""), bytes("a"))).toBe(false);
    expect(constantTimeEqual(bytes("é"), bytes("e\u0301"))).toBe(false);
  });
});

describe("routes", () => {
  it("all() answers every method, head() and options() their own, FastServer is HotpathServer", async () => {
    const app = new FastServer()
      .all("/any", (c) => c.text(c.req.method))
      .options("/o", text("", 204, ""))
      .put("/p", json({ put: true }))
      .patch("/p", html("<i>patched</i>"))
      .delete("/p", text("deleted"))
      .head("/h", text("head body"));
    expect(app).toBeInstanceOf(HotpathServer);
    expect(await (await app.fetch(new Request("http://t/any", { method: "PROPFIND" }))).text()).toBe("PROPFIND");
    expect((await app.fetch(new Request("http://t/o", { method: "OPTIONS" }))).status).toBe(204);
    expect(await (await app.fetch(new Request("http://t/p", { method: "PUT" }))).text()).toBe('{"put":true}');
    expect((await app.fetch(new Request("http://t/p", { method: "PATCH" }))).headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect((await app.fetch(new Request("http://t/p"))).headers.get("allow")).toBe("PUT, PATCH, DELETE");
    const head = await app.fetch(new Request("http://t/h", { method: "HEAD" }));
    expect([head.status, head.headers.get("content-length")]).toEqual([200, "9"]);
  });

  it("declarative replies render as the table does: escaping per content type, fixed bodies verbatim", async () => {
    const app = new HotpathServer()
      .get("/u/:id", jsonTemplate({ id: "{id}" }))
      .get("/h/:name", template("<p>{name}</p>", 200, "text/html"))
      .get("/fixed/:x", text("{x} stays"));
    const body = await (await app.fetch(new Request('http://t/u/x",%22admin%22:true'))).text();
    expect(JSON.parse(body)).toEqual({ id: 'x","admin":true' });
    expect(await (await app.fetch(new Request("http://t/h/%3Cb%3E"))).text()).toBe("<p>&lt;b&gt;</p>");
    expect(await (await app.fetch(new Request("http://t/fixed/1"))).text()).toBe("{x} stays");
  });

  it("every call answers with a new Response", async () => {
    const app = new HotpathServer().get("/", text("ok")).get("/f", (c) => c.text("f"));
    const [a, b] = [await app.fetch(new Request("http://t/")), await app.fetch(new Request("http://t/"))];
    expect(a).not.toBe(b);
    expect([await a.text(), await b.text()]).toEqual(["ok", "ok"]);
    const [c, d] = [await app.fetch(new Request("http://t/nope")), await app.fetch(new Request("http://t/nope"))];
    expect(c).not.toBe(d);
    expect([await c.text(), await d.text()]).toEqual(["Not Found", "Not Found"]);
  });

  it("bad routes throw RouteDefinitionError when defined", () => {
    const app = new HotpathServer().get("/a/:x", text("a"));
    expect(() => app.get("/a/:y", text("b"))).toThrow(RouteDefinitionError);
    expect(() => app.get("/a/:y", text("b"))).toThrow(/duplicate route/);
    expect(() => app.get("no-slash", text("x"))).toThrow(RouteDefinitionError);
    expect(() => app.get("/*rest/x", text("x"))).toThrow(/wildcard/);
    expect(() => app.get("/t/:name", template("hi {nobody}"))).toThrow(RouteDefinitionError);
    expect(() => app.get("/t/:name", template("hi {nobody}"))).toThrow(/placeholder \{nobody\} names no parameter/);
    expect(() => app.get("/t", { body: "x" } as never)).toThrow(TypeError);
    expect(() => app.use("/x/:id", async () => {})).toThrow(/static prefix/);
  });

  it("fromRouteTable serves a table as the table paths do", async () => {
    const app = HotpathServer.fromRouteTable(readFileSync(`${root}bench/c-core.tsv`, "utf8"));
    const head = await app.fetch(new Request("http://t/hello/rai", { method: "HEAD" }));
    expect([head.status, head.headers.get("content-length")]).toEqual([200, "9"]);  // the empty HEAD line declares, GET answers
  });
});

describe("toRouteTable", () => {
  it("writes declarative routes as a table that parseRouteTable loads and answers the same", async () => {
    const sub = new HotpathServer().get("/:id", jsonTemplate({ id: "{id}" }));
    const app = new HotpathServer()
      .get("/", text("ok"))
      .head("/", text(""))
      .get("/hello/:name", template("hello {name}"))
      .post("/json", json({ ok: true }, 201))
      .all("/files/*path", template("file {path}"))
      .route("/users", sub);
    const table = toRouteTable(app);
    expect(table).toBe(
      "GET\t/\t200\ttext/plain; charset=utf-8\tok\n" +
        "HEAD\t/\t200\ttext/plain; charset=utf-8\t\n" +
        "GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}\n" +
        'POST\t/json\t201\tapplication/json; charset=utf-8\t{"ok":true}\n' +
        "ANY\t/files/*path\t200\ttext/plain; charset=utf-8\tfile {path}\n" +
        'GET\t/users/:id\t200\tapplication/json; charset=utf-8\t{"id":"{id}"}\n',
    );
    const router = new Router(parseRouteTable(table));
    const requests: [string, string][] = [["GET", "/hello/rai"], ["HEAD", "/"], ["POST", "/json"], ["PUT", "/files/a/b"], ["GET", "/users/7"], ["GET", "/json"]];
    for (const [method, path] of requests) {
      const fromTable = router.match(method, path);
      const response = await app.fetch(new Request(`http://t${path}`, { method }));
      if (fromTable.kind === "route") {
        const route = fromTable.entry.value;
        expect(response.status).toBe(route.status);
        expect(response.headers.get("content-type")).toBe(route.contentType);
        const body = renderTemplate(route.template, fromTable.params);
        expect(await response.text()).toBe(fromTable.head ? "" : body);
      } else {
        expect(response.status).toBe(fromTable.status);
        expect(response.headers.get("allow")).toBe(fromTable.allow);
      }
    }
  });

  it("names every route a table cannot express", () => {
    const app = new HotpathServer()
      .get("/", text("ok"))
      .get("/users/:id", (c) => c.json({ id: c.params["id"] }))
      .post("/x", async (c) => c.text("x"))
      .get("/braces", text("{name}"))
      .use("/admin", requireHeader("authorization", AUTH))
      .get("/admin/stats", text("s"));
    let message = "";
    try {
      toRouteTable(app);
    } catch (error) {
      message = (error as Error).message;
    }
    // Function handlers are handler routes (PROXY lines); what no table can say is listed.
    expect(message).not.toContain('route GET "/users/:id"');
    expect(message).toContain('route GET "/braces": the body contains {name}');
    expect(message).toContain('use("/admin", requireHeader("authorization")): it runs for 404 answers under that path too');
    expect(message).not.toContain('route GET "/":');
    const logger: Middleware = async (_c, next) => {
      await next();
    };
    expect(() => toRouteTable(new HotpathServer().use(logger).get("/", text("ok")))).toThrow(
      /use\(a JavaScript middleware\): app middleware runs for every request, 404 and 405 answers too/,
    );
    const grouped = new HotpathServer().use(logger).get("/x", text("x"));
    expect(() => toRouteTable(new HotpathServer().route("/g", grouped))).toThrow(/route GET "\/g\/x": a JavaScript middleware runs for it/);
    expect(() => toRouteTable(new HotpathServer().use(cors({ origin: () => "x" })).get("/", text("ok")))).toThrow(/cors\(\): an origin function/);
    expect(() => toRouteTable(new HotpathServer().use(header("content-type", "x")).get("/", text("ok")))).toThrow(/cannot be set by a directive/);
    expect(() => toRouteTable(new HotpathServer().get("/", text("ok")).notFound((c) => c.text("no", 404)))).toThrow(/notFound\(\)/);
  });
});

describe("Bun's native routes table (the entries listen hands to Bun.serve)", () => {
  const fallback = (request: Request) => new Response(`fetch ${request.method}`, { status: 299 });
  const definition = (app: HotpathServer) => HotpathServer.definition(app);

  it("holds GET routes on plain paths with no middleware: fixed replies, and parameter or handler routes no other route overlaps", () => {
    const app = new HotpathServer()
      .get("/", text("ok"))
      .get("/json", json({ ok: true }))
      .get("/hello/:name", template("hello {name}"))
      .get("/caf%C3%A9", text("café"))
      .get("/a/", text("trailing"))
      .get("/a/./b", text("dot"))
      .get("/fn", (c) => c.text("fn"))
      .post("/post", text("post"))
      .all("/any", text("any"))
      .get("/own-head", text("get"))
      .head("/own-head", text("head!"))
      .get("/declared-head", text("get"))
      .head("/declared-head", text(""))
      .use("/guarded", requireHeader("x", "y"))
      .get("/guarded/z", text("z"))
      .get("/guardedx", text("not in scope"));
    const routes = bunRoutes(definition(app), fallback, false);
    expect(Object.keys(routes).sort()).toEqual(["/", "/declared-head", "/fn", "/guardedx", "/hello/:name", "/json", "/own-head"]);
    expect(Object.keys(routes["/"]!)).toEqual(["GET"]);  // HEAD: Bun derives it from GET, as our rules do
    expect(Object.keys(routes["/hello/:name"]!)).toEqual(["GET"]);
    expect(routes["/fn"]!.HEAD).toBe(fallback);  // a handler's HEAD answer needs its body read: through fetch
    expect(routes["/own-head"]!.HEAD).toBe(fallback);  // a HEAD route of its own answers: through fetch
    expect(Object.keys(routes["/declared-head"]!)).toEqual(["GET"]);
    expect(bunRoutes(definition(new HotpathServer().use(cors()).get("/", text("ok"))), fallback, false)).toEqual({});
  });

  it("holds routes under header() directives (one field set per route), with their fields; never under cors() or requireHeader()", async () => {
    const app = new HotpathServer()
      .use(header("x-app", "demo"))
      .get("/", text("ok"))
      .get("/u/:id", (c) => c.text(`u ${c.params["id"]}`))
      .route("", new HotpathServer().use(header("x-route", "r")).get("/r", text("r")));
    const routes = bunRoutes(definition(app), fallback, false);
    expect(Object.keys(routes).sort()).toEqual(["/", "/r", "/u/:id"]);
    const root = await (routes["/"]!.GET as (r: Request) => Response)(new Request("http://t/"));
    expect([await root.text(), root.headers.get("x-app")]).toEqual(["ok", "demo"]);
    const r = await (routes["/r"]!.GET as (r: Request) => Response)(new Request("http://t/r"));
    expect([r.headers.get("x-app"), r.headers.get("x-route")]).toEqual(["demo", "r"]);
    const request = Object.assign(new Request("http://t/u/7"), { params: { id: "7" } });
    const u = await (routes["/u/:id"]!.GET as (r: Request) => Response | Promise<Response>)(request);
    expect([await u.text(), u.headers.get("x-app")]).toEqual(["u 7", "demo"]);
    expect(bunRoutes(definition(new HotpathServer().use(requireHeader("x", "y")).get("/", text("ok"))), fallback, false)).toEqual({});
    const logged = new HotpathServer().use(header("x-app", "demo")).use(async (_c, next) => next()).get("/", text("ok"));
    expect(bunRoutes(definition(logged), fallback, false)).toEqual({});
  });

  it("leaves out a parameter route that another GET, HEAD or ANY route overlaps", () => {
    const app = new HotpathServer()
      .get("/hello/:name", template("hello {name}"))
      .get("/hello/world", text("world"))
      .get("/u/:id", (c) => c.text(c.params.id!))
      .all("/u/:x/y", text("deeper: no overlap"))
      .get("/v/:id", text("v"))
      .all("/v/:other", text("any v"))
      .get("/w/:id", text("w"))
      .post("/w/special", text("another method: no rival"));
    const routes = bunRoutes(definition(app), fallback, false);
    expect(Object.keys(routes).sort()).toEqual(["/hello/world", "/u/:id", "/w/:id"]);
  });

  it("a parameter entry answers as fetch does, with Bun's value only when the URL has no % and no #", async () => {
    const seen: string[] = [];
    const app = new HotpathServer()
      .get("/hello/:name", template("hello {name}", 201))
      .get("/u/:id", (c) => c.json({ id: c.params.id, q: c.query["q"] ?? null }));
    const routes = bunRoutes(definition(app), (request) => {
      seen.push(request.url);
      return app.fetch(request);
    }, false);
    // Bun hands its route handlers a Request with the parameters it matched.
    const bunRequest = (url: string, params: Record<string, string>) => Object.assign(new Request(url), { params });
    const call = async (path: string, url: string, params: Record<string, string>) => {
      const response = await (routes[path]!.GET as (request: Request) => Response | Promise<Response>)(bunRequest(url, params));
      return [response.status, response.headers.get("content-type"), await response.text()];
    };
    const viaFetch = async (url: string) => {
      const response = await app.fetch(new Request(url));
      return [response.status, response.headers.get("content-type"), await response.text()];
    };
    expect(await call("/hello/:name", "http://t/hello/rai", { name: "rai" })).toEqual(await viaFetch("http://t/hello/rai"));
    expect(await call("/u/:id", "http://t/u/7?q=a", { id: "7" })).toEqual(await viaFetch("http://t/u/7?q=a"));
    expect(seen).toEqual([]);
    // Bun would have decoded these its own way: fetch decides.
    expect(await call("/hello/:name", "http://t/hello/a%20b", { name: "a b" })).toEqual(await viaFetch("http://t/hello/a%20b"));
    expect(await call("/hello/:name", "http://t/hello/%zz", { name: "\ufffd" })).toEqual([400, "text/plain; charset=utf-8", "Bad Request"]);
    expect(await call("/u/:id", "http://t/u/x#f", { id: "x#f" })).toEqual(await viaFetch("http://t/u/x#f"));
    expect(seen).toEqual(["http://t/hello/a%20b", "http://t/hello/%zz", "http://t/u/x#f"]);
  });

  it("answers as fetch does, and hands targets over 8192 bytes to fetch (414)", async () => {
    const app = new HotpathServer().get("/", text("ok")).get("/json", json({ ok: true }, 201));
    const routes = bunRoutes(definition(app), app.fetch, false);
    const get = routes["/json"]!.GET as (request: Request) => Response;
    const mine = get(new Request("http://t/json?x=1"));
    const theirs = await app.fetch(new Request("http://t/json?x=1"));
    expect([mine.status, mine.headers.get("content-type"), await mine.text()]).toEqual([
      theirs.status,
      theirs.headers.get("content-type"),
      await theirs.text(),
    ]);
    const long = await (routes["/"]!.GET as (request: Request) => Response | Promise<Response>)(new Request(`http://t/?${"q".repeat(8192)}`));
    expect([long.status, await long.text()]).toEqual([414, "URI Too Long"]);
    expect(bunRoutes(definition(app), app.fetch, true)["/"]!.GET).toBeInstanceOf(Response);  // opt-in static Responses
  });
});

const serverBinary = `${root}build/hotpath-server`;
const wasmFile = `${root}build/router.wasm`;

describe("Hotpath({ adapter })", () => {
  it("node: listens on node:http", async () => {
    const app = Hotpath({ adapter: "node" }).get("/", text("ok")).get("/u/:id", (c) => c.text(c.params["id"]!));
    const running = await app.listen(0);
    try {
      expect((await overHttp(() => running.port)("GET", "/u/9")).body).toBe("9");
    } finally {
      await running.stop();
    }
  });

  it.skipIf(onBun)("bun: says it needs Bun when not on Bun (run on Node only)", async () => {
    await expect(Hotpath({ adapter: "bun" }).get("/", text("ok")).listen(0)).rejects.toThrow(/needs the Bun runtime/);
  });

  it.skipIf(!onBun)("bun: listens on Bun.serve under Bun (run under bun test only)", async () => {
    const app = Hotpath({ adapter: "bun" }).get("/", text("ok")).get("/u/:id", (c) => c.text(c.params["id"]!));
    const running = await app.listen(0);
    try {
      const r = await overHttp(() => running.port)("GET", "/u/9");
      expect([r.status, r.body]).toEqual([200, "9"]);
    } finally {
      await running.stop();
    }
  });

  it("c: takes function handlers and a group's JavaScript middleware (handler routes), refuses app-wide JavaScript middleware", () => {
    const app = Hotpath({ adapter: "c" });
    app.get("/x", () => new Response("x"));
    new CServer().get("/x", () => new Response("x"));
    // Route-table directives are the native server's; app-wide JavaScript middleware is refused when added.
    app.use(cors()).use(header("x-app", "demo"));
    expect(() => app.use(async (_c, next) => next())).toThrow(/app-wide JavaScript middleware cannot run on the native server/);
    expect(() => app.use("/api", header("a", "b"))).toThrow(/under a path cannot run/);
    expect(() => app.use(cors({ exposeHeaders: ["x"] }))).toThrow(/exposeHeaders/);
    expect(() => app.notFound(() => new Response("no"))).toThrow(/answers 404 itself/);
    expect(() => app.get("/b", text("{nope}"))).toThrow(/the body contains \{nope\}/);
    expect(() => app.get("/c d", () => new Response("x"))).toThrow('route GET "/c d"');
    app.route("/g", new HotpathServer().use(requireHeader("x-key", "k")).get("/", text("x")));
    app.route("/h", new HotpathServer().use(cors()).get("/", text("x")));
    app.route("/j", new HotpathServer().use(async (_c, next) => next()).get("/", text("x")));
    expect(() => new CServer().use(async (_c, next) => next())).toThrow(/route-table directives only/);
  });

  it.skipIf(!existsSync(serverBinary))("c: listen serves the routes from hotpath-server", async () => {
    const app = Hotpath({ adapter: "c" }).get("/", text("ok")).get("/hello/:name", template("hello {name}"));
    const running = await app.listen(0, { threads: 1 });
    try {
      expect(running.pid).toBeGreaterThan(0);
      const r = await overHttp(() => running.port)("GET", "/hello/rai");
      expect([r.status, r.body, r.headers.get("server")]).toEqual([200, "hello rai", "hotpath"]);
    } finally {
      await running.stop();
    }
  });

  it.skipIf(!existsSync(wasmFile))("wasm: function handlers, directives, JavaScript middleware, notFound and onError around router.wasm", async () => {
    const seen: string[] = [];
    const app = Hotpath({ adapter: "wasm", module: readFileSync(wasmFile) })
      .use(cors({ origin: ["https://a.test", "https://b.test"] }))
      .use(header("x-app", "demo"))
      .use("/js", async (c, next) => {
        seen.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
        await next();
        c.res = new Response(`${await c.res.text()} (wrapped)`, c.res);
      })
      .get("/t", template("table"))
      .get("/users/:id", async (c) => {
        await Promise.resolve();  // the parameters outlive the next request's call
        return c.json({ id: c.params["id"], q: c.query["q"] ?? null });
      })
      .get("/js/:name", template("js {name}"))
      .get("/boom", () => {
        throw new Error("boom");
      })
      .notFound((c) => c.text("custom 404", 404))
      .onError((_error, c) => c.text("oops", 500));
    const origin = { origin: "https://a.test" };
    const t = await app.fetch(new Request("http://t/t", { headers: origin }));
    expect([t.status, await t.text(), t.headers.get("x-app"), t.headers.get("access-control-allow-origin"), t.headers.get("vary")]).toEqual([200, "table", "demo", "https://a.test", "Origin"]);
    const [u1, u2] = await Promise.all([app.fetch(new Request("http://t/users/7?q=x")), app.fetch(new Request("http://t/users/8"))]);
    expect([await u1.json(), await u2.json(), u1.headers.get("x-app")]).toEqual([{ id: "7", q: "x" }, { id: "8", q: null }, "demo"]);
    const js = await app.fetch(new Request("http://t/js/rai"));
    expect([await js.text(), js.headers.get("x-app"), seen]).toEqual(["js rai (wrapped)", "demo", ["GET /js/rai"]]);
    const missing = await app.fetch(new Request("http://t/nope"));
    expect([missing.status, await missing.text(), missing.headers.get("x-app")]).toEqual([404, "custom 404", "demo"]);
    const boom = await app.fetch(new Request("http://t/boom"));
    expect([boom.status, await boom.text(), boom.headers.get("x-app")]).toEqual([500, "oops", "demo"]);
    const preflight = await app.fetch(new Request("http://t/js/x", { method: "OPTIONS", headers: { ...origin, "access-control-request-method": "GET" } }));
    expect([preflight.status, preflight.headers.get("access-control-allow-origin"), seen.length]).toEqual([204, "https://a.test", 1]);  // before any middleware
    const head = await app.fetch(new Request("http://t/users/7", { method: "HEAD" }));
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([200, String('{"id":"7","q":null}'.length), ""]);
  });

  it.skipIf(!existsSync(wasmFile))("wasm: fetch is router.wasm on toRouteTable's routes, reloaded when routes change; listen serves it", async () => {
    const app = Hotpath({ adapter: "wasm", module: readFileSync(wasmFile) }).get("/hello/:name", template("hello {name}"));
    const r = await app.fetch(new Request("http://t/hello/rai"));
    expect([r.status, await r.text()]).toEqual([200, "hello rai"]);
    expect((await app.fetch(new Request("http://t/"))).status).toBe(404);  // not the compiled-in table
    app.get("/", text("root"));
    expect(await (await app.fetch(new Request("http://t/"))).text()).toBe("root");
    app.get("/f/:x", (c) => c.text(`f ${c.params["x"]}`));
    expect(await (await app.fetch(new Request("http://t/f/1"))).text()).toBe("f 1");
    expect(() => Hotpath({ adapter: "wasm" })).toThrow(/needs \{ instance \} or \{ module \}/);
    const running = await app.listen(0);
    try {
      const head = await rawHttp(running.port, "HEAD /hello/rai HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      expect(head).toMatch(/\r\ncontent-length: 9\r\n/i);
      expect((await overHttp(() => running.port)("POST", "/")).headers.get("allow")).toBe("GET, HEAD");
    } finally {
      await running.stop();
    }
  });
});
