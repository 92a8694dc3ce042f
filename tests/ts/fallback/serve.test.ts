// serveFallback() (adapters/fallback/serve.ts) in this process, spoken to
// over a real Unix socket and a real TCP port by a client that plays
// hotpath-server: request frames in (cut at every byte, several at once),
// response frames out, matched by id, in the order the answers finish.
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { decodeResponseFrame, encodeRequestFrame, FrameSplitter, type RequestFrame, type ResponseFrame } from "../../../adapters/fallback/frames.js";
import { serveFallback, type FallbackAnswer } from "../../../adapters/fallback/serve.js";

const dir = mkdtempSync(join(tmpdir(), "hotpath-serve-fallback-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sockets = 0;
const socketPath = () => join(dir, `f${++sockets}.sock`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function request(id: number, target: string, extra: Partial<RequestFrame> = {}): RequestFrame {
  return { id, route: 0, method: "GET", target, headers: [["Host", "app.test"]], params: [], body: new Uint8Array(0), ...extra };
}

/** A connection speaking for hotpath-server. */
class Server {
  readonly answers: ResponseFrame[] = [];
  readonly #splitter = new FrameSplitter();
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk) => this.#splitter.push(chunk, (p) => this.answers.push(decodeResponseFrame(p))));
    socket.on("close", () => (this.closed = true));
    socket.on("error", () => {});
  }

  static open(address: { path: string } | { port: number }): Promise<Server> {
    return new Promise((resolve, reject) => {
      const socket = "path" in address ? connect({ path: address.path }) : connect({ port: address.port, host: "127.0.0.1" });
      socket.once("connect", () => resolve(new Server(socket)));
      socket.once("error", reject);
    });
  }

  async send(frames: RequestFrame[], bytewise = false): Promise<void> {
    const bytes = Buffer.concat(frames.map(encodeRequestFrame));
    if (!bytewise) {
      this.socket.write(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; ++i) {
      this.socket.write(bytes.subarray(i, i + 1));
      if (i % 7 === 0) await sleep(0);
    }
  }

  async wait(count: number): Promise<ResponseFrame[]> {
    for (let i = 0; i < 400 && this.answers.length < count && !this.closed; ++i) await sleep(10);
    return this.answers;
  }
}

describe("serveFallback over a Unix socket and TCP", () => {
  it("answers many requests at once, out of order, matched by id, on both transports", async () => {
    const answer: FallbackAnswer = async (req, route) => {
      const url = new URL(req.url);
      await sleep(Number(url.searchParams.get("wait") ?? 0));
      return new Response(`${req.method} ${url.pathname}${url.search} ${route.index} ${JSON.stringify(route.params)} ${req.headers.get("x-one")}`, {
        status: 201,
        headers: [["x-a", "1"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]],
      });
    };
    const unix = await serveFallback(answer, { path: socketPath() });
    const tcp = await serveFallback(answer, { host: "127.0.0.1", port: 0 });
    expect("port" in tcp.address && tcp.address.port).toBeGreaterThan(0);
    for (const address of [unix.address, tcp.address]) {
      const server = await Server.open("path" in address ? address : { port: address.port });
      await server.send([
        request(10, "/a?wait=150", { route: 3, params: [["name", "ré"], ["", "x/y"]], headers: [["Host", "h"], ["X-One", "1"]] }),
        request(11, "/b?wait=0"),
        request(12, "/c?wait=60"),
      ], true);
      const answers = await server.wait(3);
      expect(answers.map((a) => a.id)).toEqual([11, 12, 10]);
      const first = answers.find((a) => a.id === 10)!;
      expect(first.status).toBe(201);
      expect(text(first.body)).toBe(`GET /a?wait=150 3 {"name":"ré","":"x/y"} 1`);
      expect(first.headers.filter(([n]) => n === "set-cookie")).toEqual([["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
      expect(first.headers).toContainEqual(["x-a", "1"]);
      server.socket.destroy();
    }
    await unix.close();
    await tcp.close();
  });

  it("a throw, a non-Response and Response.error() answer 500; a Fetch-refused request 400; HEAD carries the body's length", async () => {
    const errors: unknown[] = [];
    const fallback = await serveFallback((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/throw") throw new Error("boom");
      if (path === "/null") return null as unknown as Response;
      if (path === "/error") return Response.error();
      if (path === "/async-throw") return Promise.reject(new Error("later"));
      return new Response("twelve bytes");
    }, { path: socketPath() }, { onError: (e) => errors.push(e) });
    const server = await Server.open(fallback.address as { path: string });
    await server.send([
      request(1, "/throw"), request(2, "/null"), request(3, "/error"), request(4, "/async-throw"),
      request(5, "/x", { method: "HEAD" }), request(6, "/x", { method: "TRACE" }), request(7, "/x", { headers: [["Host", "a/b"]] }),
      request(8, "/x", { method: "POST", body: Uint8Array.of(1, 2, 3) }),
    ]);
    const answers = new Map((await server.wait(8)).map((a) => [a.id, a]));
    for (const id of [1, 2, 3, 4]) {
      expect(answers.get(id)!.status, `request ${id}`).toBe(500);
      expect(text(answers.get(id)!.body)).toBe("Internal Server Error");
    }
    expect(errors.length, "the throw, the null and the rejection (Response.error() is no error of the app)").toBe(3);
    const head = answers.get(5)!;
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers).toContainEqual(["content-length", "12"]);
    expect(answers.get(6)!.status).toBe(400);
    expect(answers.get(7)!.status).toBe(400);
    expect(answers.get(8)!.status).toBe(200);
    server.socket.destroy();
    await fallback.close();
  });

  it("a frame that does not decode closes its connection (and says so); other connections go on", async () => {
    const errors: unknown[] = [];
    const fallback = await serveFallback(() => new Response("ok"), { path: socketPath() }, { onError: (e) => errors.push(e), maxFrameBytes: 1000 });
    const bad = await Server.open(fallback.address as { path: string });
    const good = await Server.open(fallback.address as { path: string });
    bad.socket.write(Uint8Array.of(5, 0, 0, 0, 2, 0, 0, 0, 0));
    const big = await Server.open(fallback.address as { path: string });
    big.socket.write(Uint8Array.of(0xff, 0xff, 0, 0));
    await good.send([request(1, "/")]);
    expect((await good.wait(1))[0]!.status).toBe(200);
    await bad.wait(1);
    await big.wait(1);
    expect(bad.closed && big.closed).toBe(true);
    expect(String(errors[0])).toMatch(/not a request frame/);
    expect(String(errors[1])).toMatch(/over the limit of 1000/);
    good.socket.destroy();
    await fallback.close();
  });

  it("close() answers what it received, then closes; a stale socket file is replaced, a live one is not", async () => {
    const path = socketPath();
    // A socket file left by a process that died: nobody listens on it.
    const dead = spawn("node", ["-e", `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => dead.stdout!.once("data", resolve));
    dead.kill("SIGKILL");
    await new Promise((resolve) => dead.once("exit", resolve));
    expect(existsSync(path)).toBe(true);
    const fallback = await serveFallback(async () => {
      await sleep(200);
      return new Response("late but answered");
    }, { path });
    await expect(serveFallback(() => new Response(""), { path })).rejects.toThrow(/EADDRINUSE/);
    const server = await Server.open({ path });
    await server.send([request(1, "/")]);
    await sleep(50);
    expect(fallback.inFlight).toBe(1);
    await fallback.close();
    expect(server.answers.map((a) => text(a.body))).toEqual(["late but answered"]);
    await server.wait(2);
    expect(server.closed).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});
