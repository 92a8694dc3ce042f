// Handler routes through the real build/hotpath-server and a real fallback
// (tests/fallback/app.mjs: serveFallback() in a child process, on Node,
// and on Bun for the last block), over real sockets on 127.0.0.1
// (native/fallback-protocol.md). No timed assertion: where time matters
// (a slow handler beside fast table routes) the test checks what is
// answered while something else is still pending, and prints the figures.
import { createHash } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { killAllServers, runServerToExit, serverBuilt, startServer, writeTempFile, type NativeServer } from "./server.js";
import { decodeRequestFrame, encodeResponseFrame, FrameSplitter } from "../../../adapters/fallback/frames.js";
import { distProblem, FallbackApp, killAllFallbacks } from "../support/fallback-app.js";
import { parseAll, parseResponses, show, type HttpResponse } from "../support/http-responses.js";
import { exchange, RawClient, sleep } from "../support/raw-client.js";
import { SequentialClient } from "../support/sequential-client.js";

afterAll(async () => {
  await killAllServers();
  await killAllFallbacks();
});

// Route indexes as the app sees them (tests/fallback/app.mjs picks its
// handler by pattern).
const TABLE = [
  "MIDDLEWARE\tHEADER\tx-app\tdemo",
  "GET\t/\t200\ttext/plain\tok",
  "GET\t/hello/:name\t200\ttext/plain\thello {name}",
  "PROXY\tGET\t/dyn/:name",
  "PROXY\tGET\t/hang/:n",
  "PROXY\tGET\t/release",
  "PROXY\tGET\t/hanging",
  "PROXY\tGET\t/sleep/:ms",
  "PROXY\tGET\t/throw",
  "PROXY\tANY\t/echo",
  "PROXY\tGET\t/big/:n",
  "PROXY\tGET\t/status/:code",
  "PROXY\tGET\t/pid",
  "ROUTE_MIDDLEWARE\t6\tHEADER\tcache-control\tno-store",
  "ROUTE_MIDDLEWARE\t3\tHEADER\tx-route\told",
  "",
].join("\n");

const ready = serverBuilt && distProblem() === null;

function get(path: string, extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
}

function post(path: string, body: Buffer | string, extra = ""): Buffer {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Length: ${bytes.length}\r\n${extra}\r\n`), bytes]);
}

function chunked(path: string, chunks: Buffer[]): Buffer {
  const parts = chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from("\r\n")]);
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n`), ...parts, Buffer.from("0\r\n\r\n")]);
}

/** Sends `bytes` on a new connection and reads `count` answers. */
async function ask(port: number, bytes: Buffer | string, count = 1, heads: boolean[] = [], timeoutMs = 10_000): Promise<HttpResponse[]> {
  const reply = await exchange(port, bytes, {
    timeoutMs,
    until: (data) => {
      try {
        return parseResponses(data, heads).responses.length >= count;
      } catch {
        return true;
      }
    },
  });
  const responses = parseAll(reply.data, heads, reply.closedByServer);
  if (responses.length < count) throw new Error(`${responses.length} of ${count} answers; got ${show(reply.data)}`);
  return responses;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

it("the Node fallback is built (dist/adapters/fallback)", () => {
  expect(distProblem()).toBeNull();
});

describe.skipIf(!ready)("handler routes through hotpath-server and a fallback on Node", () => {
  let app: FallbackApp;
  let server: NativeServer;

  beforeAll(async () => {
    app = await FallbackApp.start(TABLE);
    // One thread: the slow handlers and the table routes share its loop.
    server = await startServer(TABLE, { threads: 1, flags: ["--fallback", app.flag] });
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    await app?.stop();
  }, 30_000);

  it("answers with the fallback's status, fields and body, the server's head and the directives' fields", async () => {
    const [a] = await ask(server.port, get("/dyn/w%C3%B6rld"));
    expect(a!.status).toBe(200);
    expect(a!.text).toBe("hello wörld");
    expect(a!.header("server")).toBe("hotpath");
    expect(a!.header("date")).toMatch(/GMT$/);
    expect(a!.header("content-length")).toBe(String(Buffer.byteLength("hello wörld")));
    expect(a!.header("content-type")).toBe("text/plain;charset=UTF-8");
    expect(a!.header("x-app")).toBe("demo");
    expect(a!.header("connection")).toBeNull();
    const [slept] = await ask(server.port, get("/sleep/1"));
    expect(slept!.header("cache-control")).toBe("no-store");
  });

  it("HEAD: the fallback's Content-Length, no body; 204 and 304 without one", async () => {
    const answers = await ask(server.port, `HEAD /dyn/abc HTTP/1.1\r\nHost: t\r\n\r\n${get("/status/204")}${get("/status/304")}${get("/dyn/after")}`, 4, [true]);
    expect(answers.map((a) => a.status)).toEqual([200, 204, 304, 200]);
    expect(answers[0]!.header("content-length")).toBe("9");
    expect(answers[0]!.body.length).toBe(0);
    expect(answers[1]!.header("content-length")).toBeNull();
    expect(answers[2]!.header("content-length")).toBeNull();
    expect(answers[3]!.text).toBe("hello after");
  });

  it("a handler that throws answers 500", async () => {
    const [a] = await ask(server.port, get("/throw"));
    expect(a!.status).toBe(500);
    expect(a!.text).toBe("Internal Server Error");
    expect(a!.header("x-app")).toBe("demo");
  });

  it("request bodies of 0 B and 1 MB reach the handler whole; 1 MiB + 1 is 413 and never forwarded", async () => {
    const [empty] = await ask(server.port, post("/echo", ""));
    expect(JSON.parse(empty!.text)).toMatchObject({ method: "POST", length: 0 });
    const mb = Buffer.alloc(1_000_000, 0);
    for (let i = 0; i < mb.length; ++i) mb[i] = (i * 7 + 3) & 0xff;
    const [big] = await ask(server.port, post("/echo", mb, "X-Test: one\r\n"));
    const echoed = JSON.parse(big!.text) as { length: number; sha256: string; headers: string[]; url: string };
    expect(echoed.length).toBe(1_000_000);
    expect(echoed.sha256).toBe(sha256(mb));
    expect(echoed.headers).toContain("x-test: one");
    expect(echoed.url).toBe("http://t/echo");
    const over = Buffer.alloc(1024 * 1024 + 1, 0x61);
    const [refused] = await ask(server.port, post("/echo", over));
    expect(refused!.status).toBe(413);
    const [still] = await ask(server.port, get("/hanging"));
    expect(still!.text).toBe("0");
  });

  it("chunked bodies are de-chunked; a chunked body over the limit is 413", async () => {
    const parts = [Buffer.from("hello "), Buffer.alloc(70_000, 0x62), Buffer.from(" end")];
    const [a] = await ask(server.port, chunked("/echo", parts));
    const echoed = JSON.parse(a!.text) as { length: number; sha256: string };
    expect(echoed.length).toBe(70_010);
    expect(echoed.sha256).toBe(sha256(Buffer.concat(parts)));
    const [refused] = await ask(server.port, chunked("/echo", [Buffer.alloc(600_000, 1), Buffer.alloc(600_000, 2)]));
    expect(refused!.status).toBe(413);
  });

  it("answers of many kilobytes come whole", async () => {
    const [a] = await ask(server.port, get("/big/3000000"));
    expect(a!.status).toBe(200);
    expect(a!.body.length).toBe(3_000_000);
    expect(a!.body.every((b) => b === 0x61)).toBe(true);
  });

  it("pipelined requests to handler and table routes are answered in request order", async () => {
    const requests = [get("/sleep/300"), get("/"), get("/dyn/a"), get("/hello/x"), get("/sleep/50"), get("/nope"), get("/dyn/b")];
    const answers = await ask(server.port, requests.join(""), requests.length);
    expect(answers.map((a) => a.text)).toEqual(["slept 300", "ok", "hello a", "hello x", "slept 50", "Not Found", "hello b"]);
  });

  it("100 requests hanging in the fallback: table routes on the same thread keep answering", async () => {
    const hanging = await Promise.all(Array.from({ length: 100 }, () => RawClient.connect(server.port)));
    try {
      await Promise.all(hanging.map((c, i) => c.write(get(`/hang/${i}`))));
      const counter = new SequentialClient(server.port);
      for (let tries = 0; ; ++tries) {
        const count = Number((await counter.request(get("/hanging"), false)).text);
        if (count === 100) break;
        expect(tries, `${count} of 100 requests reached the fallback`).toBeLessThan(200);
        await sleep(25);
      }
      counter.close();
      const fast = new SequentialClient(server.port);
      const times: number[] = [];
      for (let i = 0; i < 300; ++i) {
        const started = process.hrtime.bigint();
        const a = await fast.request(get(i % 2 ? "/" : `/hello/${i}`), false);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(a.text).toBe(i % 2 ? "ok" : `hello ${i}`);
      }
      fast.close();
      // Every slow request is still waiting while the 300 were answered.
      expect(hanging.every((c) => c.data.length === 0)).toBe(true);
      times.sort((a, b) => a - b);
      console.log(`table routes beside 100 hanging handler requests (one thread): p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms over ${times.length} requests`);
      const [released] = await ask(server.port, get("/release"));
      expect(released!.text).toBe("released 100");
      await Promise.all(hanging.map((c) => c.waitFor(() => {
        try {
          return parseResponses(c.data).responses.length === 1;
        } catch {
          return true;
        }
      }, 10_000)));
      hanging.forEach((c, i) => expect(parseAll(c.data)[0]!.text).toBe(`released ${i}`));
    } finally {
      hanging.forEach((c) => c.destroy());
    }
  });

  it("SIGHUP while a request is in flight: it keeps its route; later requests get the new table", async () => {
    const waitHanging = async (n: number) => {
      const probe = new SequentialClient(server.port);
      for (let tries = 0; (await probe.request(get("/hanging"), false)).text !== String(n); ++tries) {
        expect(tries).toBeLessThan(400);
        await sleep(25);
      }
      probe.close();
    };
    const before = await RawClient.connect(server.port);
    const after = await RawClient.connect(server.port);
    try {
      await before.write(get("/hang/before"));
      await waitHanging(1);
      const reloads = (server.stderr().match(/reloaded/g) ?? []).length;
      server.writeTable(TABLE.replace("x-route\told", "x-route\tnew"));
      server.signal("SIGHUP");
      for (let tries = 0; (server.stderr().match(/reloaded/g) ?? []).length === reloads; ++tries) {
        expect(tries).toBeLessThan(250);
        await sleep(20);
      }
      await after.write(get("/hang/after"));
      await waitHanging(2);
      expect((await ask(server.port, get("/release")))[0]!.text).toBe("released 2");
      for (const c of [before, after]) await c.waitFor(() => parseResponses(c.data).responses.length === 1, 5_000);
      const [old] = parseAll(before.data);
      const [fresh] = parseAll(after.data);
      expect(old!.text).toBe("released before");
      expect(old!.header("x-route")).toBe("old");
      expect(fresh!.header("x-route")).toBe("new");
    } finally {
      before.destroy();
      after.destroy();
      server.writeTable(TABLE);
      server.signal("SIGHUP");
    }
  });
});

describe.skipIf(!ready)("fallback failures: 502, 503, 504, a crash and a restart", () => {
  it("no fallback listening: 502, and table routes answer as usual", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotpath-nofallback-"));
    try {
      const server = await startServer(TABLE, { flags: ["--fallback", `unix:${join(dir, "none.sock")}`] });
      const answers = await ask(server.port, get("/dyn/a") + get("/") + get("/dyn/b"), 3);
      expect(answers.map((a) => a.status)).toEqual([502, 200, 502]);
      expect(answers[0]!.text).toBe("Bad Gateway");
      expect(answers[0]!.header("x-app")).toBe("demo");
      expect(answers[0]!.header("connection")).toBeNull();
      const tcp = await startServer(TABLE, { flags: ["--fallback", "tcp:127.0.0.1:1"] });
      expect((await ask(tcp.port, get("/dyn/a")))[0]!.status).toBe(502);
      const none = await startServer(TABLE);
      expect((await ask(none.port, get("/dyn/a")))[0]!.status).toBe(502);
      await Promise.all([server.stop(), tcp.stop(), none.stop()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no answer within --fallback-timeout-ms: 504; the late answer is dropped", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag, "--fallback-timeout-ms", "300"] });
    const answers = await ask(server.port, get("/sleep/1500") + get("/") + get("/sleep/1"), 3);
    expect(answers.map((a) => a.status)).toEqual([504, 200, 200]);
    expect(answers[0]!.text).toBe("Gateway Timeout");
    await sleep(1500);  // the late answer arrives and is dropped
    expect((await ask(server.port, get("/dyn/after")))[0]!.text).toBe("hello after");
    await server.stop();
    await app.stop();
  });

  it("more than --fallback-max-inflight waiting: 503, and room again once they are answered", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag, "--fallback-max-inflight", "4"] });
    const held = await Promise.all([0, 1, 2].map(() => RawClient.connect(server.port)));
    await Promise.all(held.map((c, i) => c.write(get(`/hang/${i}`))));
    // Three hang; each look takes the fourth place while it waits.
    const probe = new SequentialClient(server.port);
    for (let tries = 0; ; ++tries) {
      const a = await probe.request(get("/hanging"), false);
      if (a.text === "3") break;
      expect(tries, `${a.status} ${a.text}`).toBeLessThan(400);
      await sleep(25);
    }
    probe.close();
    // One connection: the fourth place, then one too many, then a table route.
    const client = await RawClient.connect(server.port);
    await client.write(get("/hang/3") + get("/dyn/over") + get("/"));
    await sleep(100);
    expect(client.data.length, "nothing before the first answer").toBe(0);
    await app.kill();  // the four hanging ones answer 502
    await client.waitFor(() => parseResponses(client.data).responses.length === 3, 5_000);
    const answers = parseAll(client.data);
    expect(answers.map((a) => a.status)).toEqual([502, 503, 200]);
    expect(answers[1]!.text).toBe("Service Unavailable");
    expect(answers[1]!.header("x-app")).toBe("demo");
    expect(answers[1]!.header("connection")).toBeNull();
    await Promise.all(held.map((c) => c.waitFor(() => c.data.length > 0, 5_000)));
    held.forEach((c) => expect(parseAll(c.data)[0]!.status).toBe(502));
    const [after] = await ask(server.port, get("/dyn/x"));
    expect(after!.status, "room again: 502 (no fallback), not 503").toBe(502);
    held.forEach((c) => c.destroy());
    client.destroy();
    await server.stop();
  });

  it("a fallback that crashes: its requests in flight 502, later ones 502, then it restarts and answers again", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { threads: 2, flags: ["--fallback", app.flag] });
    expect((await ask(server.port, get("/dyn/before")))[0]!.text).toBe("hello before");
    const waiting = await RawClient.connect(server.port);
    await waiting.write(get("/hang/1") + get("/"));
    await sleep(200);
    await app.kill();
    await waiting.waitFor(() => parseResponses(waiting.data).responses.length === 2, 5_000);
    const lost = parseAll(waiting.data);
    expect(lost.map((a) => a.status)).toEqual([502, 200]);
    waiting.destroy();
    const down = await ask(server.port, get("/dyn/down") + get("/hello/still"), 2);
    expect(down.map((a) => a.status)).toEqual([502, 200]);
    const again = await FallbackApp.start(TABLE, { socketPath: app.socketPath });
    // Every thread reconnects on its own next request.
    for (let i = 0; i < 10; ++i) {
      const [a] = await ask(server.port, get(`/dyn/again${i}`));
      expect(a!.status).toBe(200);
      expect(a!.text).toBe(`hello again${i}`);
    }
    await server.stop();
    await again.stop();
  });

  it("a fallback that answers a frame that does not decode: 502, and the next connection works", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotpath-badfallback-"));
    const path = join(dir, "bad.sock");
    let garbage = true;
    const sockets = new Set<Socket>();
    const fake: Server = createServer((socket) => {
      sockets.add(socket);
      const splitter = new FrameSplitter();
      socket.on("data", (chunk) => {
        splitter.push(chunk, (payload) => {
          const frame = decodeRequestFrame(payload);
          if (garbage) socket.write(Buffer.from([3, 0, 0, 0, 9, 9, 9]));
          else socket.write(encodeResponseFrame({ id: frame.id, status: 200, headers: [["x-fake", "yes"]], body: new TextEncoder().encode(frame.target) }));
        });
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => fake.listen(path, resolve));
    try {
      const server = await startServer(TABLE, { threads: 1, flags: ["--fallback", `unix:${path}`] });
      expect((await ask(server.port, get("/dyn/a")))[0]!.status).toBe(502);
      garbage = false;
      const [a] = await ask(server.port, get("/dyn/b?q=1"));
      expect(a!.status).toBe(200);
      expect(a!.text).toBe("/dyn/b?q=1");
      expect(a!.header("x-fake")).toBe("yes");
      await server.stop();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => fake.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a fallback that stops reading: the bodies for it pause, then arrive whole once it reads again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotpath-slowreader-"));
    const path = join(dir, "slow.sock");
    const sockets = new Set<Socket>();
    const fake: Server = createServer((socket) => {
      sockets.add(socket);
      socket.pause();  // not reading: frames pile up in the server
      const splitter = new FrameSplitter();
      socket.on("data", (chunk) => {
        splitter.push(chunk, (payload) => {
          const frame = decodeRequestFrame(payload);
          socket.write(encodeResponseFrame({ id: frame.id, status: 200, headers: [], body: new TextEncoder().encode(`${frame.body.length} ${sha256(Buffer.from(frame.body))}`) }));
        });
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => fake.listen(path, resolve));
    try {
      const server = await startServer(TABLE, { threads: 1, flags: ["--fallback", `unix:${path}`, "--max-body-bytes", "2000000"] });
      const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(1_500_000, 0x41 + i));
      const clients = await Promise.all(bodies.map(() => RawClient.connect(server.port)));
      clients.forEach((c, i) => void c.write(post("/echo", bodies[i]!)));
      await sleep(500);
      expect(clients.every((c) => c.data.length === 0), "nothing is answered while the fallback does not read").toBe(true);
      for (const socket of sockets) socket.resume();
      await Promise.all(clients.map((c) => c.waitFor(() => parseResponses(c.data).responses.length === 1, 15_000)));
      clients.forEach((c, i) => expect(parseAll(c.data)[0]!.text).toBe(`1500000 ${sha256(bodies[i]!)}`));
      clients.forEach((c) => c.destroy());
      await server.stop();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => fake.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("SIGTERM drains: a request waiting on the fallback is answered before the server exits", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag] });
    const client = await RawClient.connect(server.port);
    await client.write(get("/sleep/600"));
    await sleep(150);
    server.signal("SIGTERM");
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    const [a] = parseAll(client.data, false, true);
    expect(a!.text).toBe("slept 600");
    client.destroy();
    await app.stop();
  });
});

describe.skipIf(!serverBuilt)("fallback addresses", () => {
  it("a bad --fallback value, or a PROXY_TCP host that does not resolve, stops the server with a message", async () => {
    const table = writeTempFile(TABLE);
    const bad = await runServerToExit(["--config", table, "--port", "0", "--fallback", "http://x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("expected unix:PATH or tcp:HOST:PORT");
    const unresolved = await runServerToExit(["--config", table, "--port", "0", "--fallback", "tcp:no-such-host.invalid:80"]);
    expect(unresolved.code).toBe(1);
    expect(unresolved.stderr).toContain("does not resolve");
    const proxyTcp = writeTempFile("GET\t/\t200\ttext/plain\tok\nPROXY_TCP\tGET\t/x\tno-such-host.invalid:80\n");
    const line = await runServerToExit(["--config", proxyTcp, "--port", "0"]);
    expect(line.code).toBe(1);
    expect(line.stderr).toMatch(/routes\.tsv:2: .*does not resolve/);
  });
});

describe.skipIf(!ready)("the fallback on Bun", () => {
  let app: FallbackApp;
  let server: NativeServer;

  beforeAll(async () => {
    app = await FallbackApp.start(TABLE, { runtime: "bun" });
    server = await startServer(TABLE, { flags: ["--fallback", app.flag] });
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    await app?.stop();
  }, 30_000);

  it("answers handler routes, bodies, HEAD, throws and out-of-order answers", async () => {
    const mb = Buffer.alloc(1_000_000, 0x5a);
    const answers = await ask(server.port, Buffer.concat([
      Buffer.from(get("/sleep/200") + get("/dyn/bun") + `HEAD /dyn/abc HTTP/1.1\r\nHost: t\r\n\r\n` + get("/throw")),
      post("/echo", mb),
      Buffer.from(get("/")),
    ]), 6, [false, false, true]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 500, 200, 200]);
    expect(answers[0]!.text).toBe("slept 200");
    expect(answers[1]!.text).toBe("hello bun");
    expect(answers[2]!.header("content-length")).toBe("9");
    expect(JSON.parse(answers[4]!.text)).toMatchObject({ length: 1_000_000, sha256: sha256(mb) });
    expect(answers[5]!.text).toBe("ok");
  });
});
