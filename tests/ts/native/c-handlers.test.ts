// Hotpath({ adapter: "c" }) and CServer with function handlers (issue 12):
// the real build/hotpath-server answers the table routes and the
// directives, and forwards the handler routes to the app's own handlers,
// served by a real fallback in this process or in a supervised child
// process (tests/fallback/c-app.mjs), over real sockets on 127.0.0.1.
// Every answer is held to the same app's app.fetch (the TypeScript router):
// status, fields and body, but Date, Server and Connection.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CServer, cors, header, text } from "../../../adapters/c.js";
import { distProblem } from "../support/fallback-app.js";
import { httpFetch } from "../support/http-client.js";
import { root } from "../support/node-files.js";
import { exchange, sleep } from "../support/raw-client.js";

// The server CServer starts: HOTPATH_SERVER_BINARY when set (make test-asan sets its ASan build).
const binary = process.env["HOTPATH_SERVER_BINARY"] || `${root}build/hotpath-server`;
const appModule = `${root}tests/fallback/c-app.mjs`;
const distBuilt = existsSync(`${root}dist/adapters/fallback/child.js`) && distProblem() === null;
const skip = !existsSync(binary) || !distBuilt;

type Request = readonly [method: string, path: string, headers?: readonly (readonly [string, string])[]];
const REQUESTS: Request[] = [
  ["GET", "/"],
  ["GET", "/hello/rai"],
  ["GET", "/dyn/x?q=1"],
  ["GET", "/dyn/caf%C3%A9"],
  ["HEAD", "/dyn/x"],
  ["GET", "/throw"],
  ["GET", "/async-throw"],
  ["GET", "/files/a/b"],
  ["GET", "/rest/a/b%2Fc"],
  ["GET", "/status/204"],
  ["GET", "/status/304"],
  ["GET", "/status/404"],
  ["GET", "/cookies"],
  ["GET", "/api/who", [["x-user", "u1"]]],
  ["GET", "/api/fixed"],
  ["GET", "/api/nope"],
  ["GET", "/admin/"],
  ["GET", "/admin/", [["x-key", "secret"]]],
  ["GET", "/admin/", [["x-key", "wrong"]]],
  ["OPTIONS", "/dyn/x", [["origin", "https://app.example"], ["access-control-request-method", "GET"]]],
  ["GET", "/dyn/x", [["origin", "https://app.example"]]],
  ["POST", "/dyn/x"],
  ["GET", "/nope"],
];

// Content-Length is the listener's (app.fetch's Response has none): checked over HTTP apart.
const IGNORED = new Set(["date", "server", "connection", "keep-alive", "content-length"]);
async function answer(response: Response): Promise<{ status: number; fields: string[]; body: string }> {
  const fields: string[] = [];
  response.headers.forEach((value, name) => {
    if (!IGNORED.has(name)) fields.push(`${name}: ${value}`);
  });
  return { status: response.status, fields: fields.sort(), body: await response.text() };
}

async function overHttp(port: number, [method, path, headers = []]: Request) {
  const response = await httpFetch(`http://127.0.0.1:${port}${path}`, { method, headers });
  const got = await answer(response.clone());
  const length = response.headers.get("content-length");
  if (method !== "HEAD" && got.status !== 204 && got.status !== 304) expect(length).toBe(String(Buffer.byteLength(got.body)));
  else if (got.status === 204) expect(length).toBeNull();
  return got;
}

async function inProcess(app: { fetch(request: Request | globalThis.Request): Response | Promise<Response> }, [method, path, headers = []]: Request) {
  return answer(await app.fetch(new globalThis.Request(`http://127.0.0.1${path}`, { method, headers: [...headers] as [string, string][] })));
}

let app: { fetch(r: globalThis.Request): Response | Promise<Response>; listen(port: number, options?: object): Promise<RunningC> };
interface RunningC {
  port: number;
  pid: number;
  fallbackPid: number | undefined;
  fallbackRestarts: number;
  stop(): Promise<void>;
}

beforeAll(async () => {
  if (!skip) app = (await import(appModule)).default;
});

describe.skipIf(skip)("Hotpath({ adapter: \"c\" }) with handlers, the fallback in this process", () => {
  let running: RunningC;
  beforeAll(async () => {
    running = await app.listen(0, { threads: 1 });
  });
  afterAll(() => running?.stop());

  it.each(REQUESTS.map((r) => [`${r[0]} ${r[1]}${r[2] ? ` (${r[2].map(([n]) => n).join(", ")})` : ""}`, r] as const))(
    "%s: hotpath-server answers as app.fetch",
    async (_name, request) => {
      const expected = await inProcess(app as never, request);
      expect(await overHttp(running.port, request)).toEqual(expected);
    },
  );

  it("has no fallback process", () => {
    expect(running.fallbackPid).toBeUndefined();
  });

  it("forwards the body, and answers pipelined table and handler routes in order", async () => {
    const body = "x".repeat(100_000);
    const raw = (await exchange(
      running.port,
      `GET /sleep/50 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /dyn/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      { timeoutMs: 5_000 },
    )).data.toString("latin1");
    const bodies = [...raw.matchAll(/\r\n\r\n(slept 50|hello a|\{"got":"x+","type":null\}|dyn b q=)/g)].map((m) => (m[1]!.startsWith("{") ? `echo ${m[1]!.length}` : m[1]));
    expect(bodies).toEqual(["slept 50", "hello a", `echo ${JSON.stringify({ got: body, type: null }).length}`, "dyn b q="]);
  });

  it("keeps answering table routes while handlers are slow", async () => {
    const slow = Array.from({ length: 20 }, () => httpFetch(`http://127.0.0.1:${running.port}/sleep/400`));
    await sleep(50);
    const fast = await httpFetch(`http://127.0.0.1:${running.port}/hello/fast`);
    expect(await fast.text()).toBe("hello fast");
    const done = await Promise.all(slow.map(async (r) => (await r).text()));
    expect(done.every((t) => t === "slept 400")).toBe(true);
  });
});

describe.skipIf(skip)("Hotpath({ adapter: \"c\" }) with handlers, the fallback in a supervised child process", () => {
  let running: RunningC;
  beforeAll(async () => {
    running = await app.listen(0, { threads: 1, fallback: { module: appModule } });
  });
  afterAll(() => running?.stop());

  it.each(REQUESTS.map((r) => [`${r[0]} ${r[1]}`, r] as const))("%s: hotpath-server answers as app.fetch", async (_name, request) => {
    const expected = await inProcess(app as never, request);
    expect(await overHttp(running.port, request)).toEqual(expected);
  });

  it("starts the child again when it dies; the table routes answer throughout, the handler routes 502 until it is back", async () => {
    const first = running.fallbackPid!;
    expect(first).toBeGreaterThan(0);
    process.kill(first, "SIGKILL");
    const seen = new Set<number>();
    const deadline = Date.now() + 15_000;
    let back = false;
    while (Date.now() < deadline && !back) {
      const table = await httpFetch(`http://127.0.0.1:${running.port}/hello/t`);
      expect([table.status, await table.text()]).toEqual([200, "hello t"]);
      const handler = await httpFetch(`http://127.0.0.1:${running.port}/dyn/h`);
      seen.add(handler.status);
      back = handler.status === 200 && running.fallbackPid !== undefined && running.fallbackPid !== first;
      if (!back) await sleep(20);
    }
    expect(back).toBe(true);
    expect([...seen].every((s) => s === 200 || s === 502)).toBe(true);
    expect(running.fallbackRestarts).toBeGreaterThanOrEqual(1);
  });

  it("drains on stop(): a handler in flight is answered, then both processes are gone", async () => {
    const other = await app.listen(0, { threads: 1, fallback: { module: appModule } });
    const pid = other.fallbackPid!;
    const slow = httpFetch(`http://127.0.0.1:${other.port}/sleep/300`);
    await sleep(100);
    await other.stop();
    const r = await slow;
    expect([r.status, await r.text()]).toEqual([200, "slept 300"]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });

  it("refuses a module whose app has another route table, with the reason", async () => {
    process.env["FALLBACK_VARIANT"] = "other";
    try {
      await expect(app.listen(0, { threads: 1, fallback: { module: appModule } })).rejects.toThrow(/route table is not the one hotpath-server serves/);
    } finally {
      delete process.env["FALLBACK_VARIANT"];
    }
  });

  it("refuses a module that exports no app", async () => {
    await expect(app.listen(0, { threads: 1, fallback: { module: appModule, export: "nothing" } })).rejects.toThrow(/its export "nothing" is not a HotpathServer/);
    await expect(app.listen(0, { threads: 1, fallback: { module: `${root}tests/fallback/none.mjs` } })).rejects.toThrow(/no file/);
  });
});

describe.skipIf(!existsSync(binary))("CServer with function handlers", () => {
  it("answers a handler route through its fallback, with the directives' fields, beside table routes", async () => {
    const server = new CServer()
      .use(cors())
      .use(header("x-app", "demo"))
      .get("/", text("ok"))
      .get("/users/:id", (c) => c.json({ id: c.params.id, q: c.query.q ?? null }))
      .post("/users", async (c) => c.text(`made ${await c.req.text()}`, 201));
    const running = await server.listen(0, { threads: 1, fallbackTimeoutMs: 5_000 });
    try {
      const r = await httpFetch(`http://127.0.0.1:${running.port}/users/7?q=a`);
      expect([r.status, await r.text(), r.headers.get("x-app"), r.headers.get("access-control-allow-origin")]).toEqual([200, '{"id":"7","q":"a"}', "demo", "*"]);
      const t = await httpFetch(`http://127.0.0.1:${running.port}/`);
      expect([t.status, await t.text(), t.headers.get("x-app")]).toEqual([200, "ok", "demo"]);
      const made = (await exchange(running.port, "POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", { timeoutMs: 5_000 })).data.toString("latin1");
      expect(made).toMatch(/^HTTP\/1\.1 201 Created\r\n[\s\S]*\r\n\r\nmade abc$/);
    } finally {
      await running.stop();
    }
  });

  it("checks the fallback flags before anything starts", async () => {
    const server = new CServer().get("/x", (c) => c.text("x"));
    await expect(server.listen(0, { fallbackTimeoutMs: 0 })).rejects.toThrow(/--fallback-timeout-ms must be a positive integer, got 0/);
  });
});
