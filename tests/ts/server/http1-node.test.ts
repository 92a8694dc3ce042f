// HotpathServer.listen() on Node (node:http) over real sockets: hotpath-server's
// socket cases (http1-suite.ts) and what needs a conversation: 100-continue,
// the connection limit. Vitest on Node only: under `bun test` listen() would
// run on Bun's node:http, which is not the Node path.
import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer } from "../../../adapters/index.js";
import { expectConnectionLimit } from "../support/connection-limit.js";
import { CASE_TABLE, chunkedPost, GET, post } from "../support/http1-cases.js";
import { completeResponses, countStatusLines, parseAll, show } from "../support/http-responses.js";
import { exchange, RawClient, sleep } from "../support/raw-client.js";
import { onBun } from "../support/runtime.js";
import { socketCases, type Listening } from "./http1-suite.js";

const running: Listening[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(options: Record<string, number>): Promise<Listening> {
  const app = HotpathServer.fromRouteTable(CASE_TABLE);
  const server = await app.listen(0, { hostname: "127.0.0.1", ...options });
  running.push(server);
  return server;
}

describe.skipIf(onBun)("HotpathServer on Node (node:http): hotpath-server's socket cases", () => {
  socketCases("node", start);

  it("Expect: 100-continue gets HTTP/1.1 100 Continue before the body, then the final answer", async () => {
    const server = await start({});
    const client = await RawClient.connect(server.port);
    try {
      await client.write(post("Content-Length: 5\r\nExpect: 100-continue\r\n"));
      expect(await client.waitFor(() => client.data.includes("\r\n\r\n"), 5_000), `no 100 Continue; got ${show(client.data)}`).toBe(true);
      expect(client.data.toString("latin1")).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
      expect(countStatusLines(client.data), "only the interim answer before the body").toBe(1);
      await client.write("hello");
      await client.waitFor(() => completeResponses(client.data) >= 1, 5_000);
      expect(parseAll(client.data, false, false).map((r) => r.status), show(client.data)).toEqual([100, 201]);
      expect(client.closedByServer).toBe(false);
    } finally {
      client.destroy();
    }
  });

  it("maxConnections 4: a fifth connection is closed at once without an answer; after one closes, a new one is served", async () => {
    const server = await start({ maxConnections: 4 });
    await expectConnectionLimit(server.port, 4);
  });

  it("stop() drains: what was parsed is answered whole, idle and unfinished connections close, nothing is cut", async () => {
    const server = await start({});
    const idle = await RawClient.connect(server.port);
    const partial = await RawClient.connect(server.port);
    const busy = await RawClient.connect(server.port);
    try {
      await idle.write(GET("/hello/idle"));
      expect(await idle.waitFor(() => completeResponses(idle.data) >= 1, 5_000)).toBe(true);
      await partial.write("GET /hello/partial HTTP/1.1\r\nHo");
      await busy.write(GET("/hello/b1") + GET("/hello/b2") + GET("/hello/b3"));
      expect(await busy.waitFor(() => completeResponses(busy.data) >= 3, 5_000)).toBe(true);
      await busy.write(GET("/hello/b4"));
      await sleep(50);
      const started = Date.now();
      await server.stop();
      expect(Date.now() - started, "stop() resolves once every connection closed, well within its 10 s grace").toBeLessThan(5_000);
      for (const c of [idle, partial, busy]) expect(await c.waitForClose(3_000)).toBe(true);
      expect(parseAll(idle.data, false, true).map((r) => r.text)).toEqual(["hello idle"]);
      expect(partial.data.length, show(partial.data)).toBe(0);
      expect(parseAll(busy.data, false, true).map((r) => r.text)).toEqual(["hello b1", "hello b2", "hello b3", "hello b4"]);
    } finally {
      for (const c of [idle, partial, busy]) c.destroy();
    }
  });

  it("a handler reading the body: whole within maxBodyBytes; past it the read fails at the limit and the answer is 413 and a close", async () => {
    const seen: string[] = [];
    const app = new HotpathServer()
      .post("/read", async (c) => c.text(`read ${(await c.req.text()).length}`))
      .post("/stream", async (c) => {
        let n = 0;
        try {
          const reader = c.req.body!.getReader();
          for (let next = await reader.read(); !next.done; next = await reader.read()) n += next.value.length;
          seen.push(`complete ${n}`);
        } catch {
          seen.push(`failed after ${n}`);
        }
        return c.text(`streamed ${n}`);
      });
    const server = await app.listen(0, { hostname: "127.0.0.1", maxBodyBytes: 1000 });
    running.push(server);
    const ask = async (parts: string[]) => {
      const reply = await exchange(server.port, parts, { delayMs: 50, timeoutMs: 3_000, until: (d) => completeResponses(d) >= 1, settleMs: 200 });
      return { answers: parseAll(reply.data, false, reply.closedByServer).map((r) => `${r.status} ${r.text}`), closed: reply.closedByServer };
    };
    expect(await ask(chunkedPost("/read", [500, 500]))).toEqual({ answers: ["200 read 1000"], closed: false });
    expect(await ask(chunkedPost("/read", [600, 600]))).toEqual({ answers: ["413 Content Too Large"], closed: true });
    expect(await ask(chunkedPost("/stream", [400, 400]))).toEqual({ answers: ["200 streamed 800"], closed: false });
    expect(await ask(chunkedPost("/stream", [600, 600]))).toEqual({ answers: ["413 Content Too Large"], closed: true });
    expect(seen).toEqual(["complete 800", "failed after 600"]);
  });

  it("writeTimeoutMs: an answer the client does not read is closed after it; idleTimeoutMs: so is a body that stopped arriving", async () => {
    const app = new HotpathServer().get("/big", (c) => c.text("x".repeat(32 << 20))).post("/submit", (c) => c.text("created", 201));
    const server = await app.listen(0, { hostname: "127.0.0.1", writeTimeoutMs: 500, idleTimeoutMs: 1_500 });
    running.push(server);
    const reader = await RawClient.connect(server.port);
    const stalled = await RawClient.connect(server.port);
    try {
      reader.socket.pause();  // never reads: the answer stops moving once the socket buffers are full
      await reader.write(GET("/big"));
      const started = Date.now();
      await stalled.write("POST /submit HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789");
      expect(await stalled.waitForClose(6_000), "the stalled body's connection is closed").toBe(true);
      expect(Date.now() - started, "after idleTimeoutMs, not at once").toBeGreaterThanOrEqual(1_400);
      expect(stalled.data.length, show(stalled.data)).toBe(0);
      reader.socket.resume();  // by now the server has given up on it: what is read ends in a close
      expect(await reader.waitForClose(6_000), "the unread answer's connection is closed").toBe(true);
      expect(reader.data.length, "the answer was cut, not sent whole").toBeLessThan(32 << 20);
    } finally {
      reader.destroy();
      stalled.destroy();
    }
  });

  it("a bad limit is a RangeError naming it, before anything listens", async () => {
    const app = HotpathServer.fromRouteTable(CASE_TABLE);
    await expect(app.listen(0, { maxBodyBytes: -1 })).rejects.toThrow(/maxBodyBytes must be an integer from 0 to/);
    await expect(app.listen(0, { headerTimeoutMs: 0 })).rejects.toThrow(/headerTimeoutMs/);
    await expect(app.listen(0, { maxHeaderBytes: 1.5 })).rejects.toThrow(/maxHeaderBytes/);
  });
});
