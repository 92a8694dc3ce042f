// build/hotpath-server's HTTP/1.1 layer over real sockets on 127.0.0.1,
// written from RFC 9112, RFC 9110 and native/README.md (the spec). The
// socket cases are data (tests/ts/support/http1-cases.ts, where the reading
// of the spec is written down), run by one loop (http1-case-runner.ts):
// requests are raw bytes; every case checks the status, whether the server
// closed the connection, and how many status lines came back, so that a
// request hidden behind ambiguous framing ("smuggled") is seen if it is ever
// answered. What needs a conversation (100-continue, many connections,
// timeouts against the clock, signals) is written out below.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort } from "../../../adapters/hotpath-process.js";
import {
  CASE_CONFIGS, CASE_GROUPS, CASE_TABLE, casesOf, GET, post, type AnswerSpec, type CaseConfig, type Http1Case,
} from "../support/http1-cases.js";
import { expectConnectionLimit } from "../support/connection-limit.js";
import { runCase, talk, type Outcome } from "../support/http1-case-runner.js";
import { completeResponses, countStatusLines, parseAll, show } from "../support/http-responses.js";
import { exchange, RawClient, sleep, type Bytes } from "../support/raw-client.js";
import { tableErrorVectors } from "../support/node-files.js";
import { killAllServers, runServerToExit, serverBuilt, spawnServer, startServer, writeTempFile, type NativeServer } from "./server.js";

afterAll(killAllServers);

const mainTable = CASE_TABLE;
const mainRoutes = 6;

/** hotpath-server's flags for a case configuration. */
function flagsOf(config: CaseConfig): string[] {
  const flag: Record<string, string> = {
    maxHeaderBytes: "--max-header-bytes", maxBodyBytes: "--max-body-bytes", headerTimeoutMs: "--header-timeout-ms", idleTimeoutMs: "--idle-timeout-ms",
  };
  return Object.entries(CASE_CONFIGS[config]).flatMap(([name, value]) => [flag[name]!, String(value)]);
}

/** Every case of `group` as one test each, against the server on `port()`. */
function runGroup(group: string, port: () => number): void {
  for (const c of casesOf(group, "native")) {
    it(c.name, async () => {
      await runCase(port(), c, "native");
    }, Math.max(30_000, (c.timeoutMs ?? 5_000) + 10_000));
  }
}

/** An exchange outside the case table: `answers` (of these statuses) expected, the connection left open. */
async function ask(port: number, request: Bytes | Bytes[], answers: AnswerSpec[], more: Partial<Http1Case> = {}): Promise<Outcome> {
  const c: Http1Case = { name: "", group: "", request: request as string | string[], answers, closed: false, ...more };
  return talk(port, c);
}

/** One request, its answer expected on a connection that stays open. */
async function expectServed(port: number, request: string, answer: AnswerSpec): Promise<void> {
  await runCase(port, { name: "", group: "", request, answers: [answer], closed: false }, "native");
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

it("build/hotpath-server is built (make native)", () => {
  expect(serverBuilt, "build/hotpath-server is missing: run `make native`").toBe(true);
});

// ---- command line ---------------------------------------------------------------

describe.skipIf(!serverBuilt)("command line", () => {
  it("--help exits 0 and lists the flags on stdout", async () => {
    const run = await runServerToExit(["--help"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("--config");
  });

  it("--version exits 0 and prints something", async () => {
    const run = await runServerToExit(["--version"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).not.toBe("");
  });

  it("an unknown flag exits 1 with a message on stderr naming it", async () => {
    const config = writeTempFile(mainTable);
    const run = await runServerToExit(["--config", config, "--port", "0", "--host", "127.0.0.1", "--bogus-flag"]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stderr).toContain("bogus-flag");
    expect(run.stdout).not.toContain("listening on");
  });

  it("no --config exits 1 with a message", async () => {
    const run = await runServerToExit(["--port", "0", "--host", "127.0.0.1"]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stderr.trim()).not.toBe("");
  });

  it("bad flag values exit 1 with a message", async () => {
    const config = writeTempFile(mainTable);
    const bad = [
      ["--port", "65536"], ["--port", "-1"], ["--port", "abc"], ["--threads", "abc"],
      ["--max-body-bytes", "x"], ["--header-timeout-ms", "-5"], ["--port"],
    ];
    for (const flags of bad) {
      const args = ["--config", config, "--host", "127.0.0.1", ...(flags[0] === "--port" ? [] : ["--port", "0"]), ...flags];
      const run = await runServerToExit(args, 5_000);
      expect(run.code, `${args.join(" ")}: ${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stderr.trim(), args.join(" ")).not.toBe("");
    }
  });

  it("a route table that does not exist exits 1 with a message naming it", async () => {
    const missing = `${writeTempFile("")}.missing`;
    const run = await runServerToExit(["--config", missing, "--port", "0", "--host", "127.0.0.1"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(missing);
  });

  it("every bad table of table-errors.jsonl exits 1 with FILE:LINE: reason on stderr", async () => {
    for (const vector of tableErrorVectors) {
      const config = writeTempFile(vector.table);
      const run = await runServerToExit(["--config", config, "--port", "0", "--host", "127.0.0.1"], 5_000);
      expect(run.code, `${vector.id}: ${run.stderr}`).toBe(1);
      expect(run.stderr, vector.id).toContain(`${config}:${vector.line}: `);
      expect(run.stderr, vector.id).toContain(vector.message_contains);
      expect(run.stdout, vector.id).not.toContain("listening on");
    }
  }, 60_000);

  it("a port in use (a plain listener holds it) exits 1 with a message", async () => {
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve, reject) => {
      holder.once("error", reject);
      holder.listen(port, "127.0.0.1", () => resolve());
    });
    try {
      const config = writeTempFile(mainTable);
      const run = await runServerToExit(["--config", config, "--port", String(port), "--host", "127.0.0.1", "--threads", "2"]);
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stderr.trim()).not.toBe("");
      expect(run.stdout).not.toContain("listening on");
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("a port held by another hotpath-server exits 1 (SO_REUSEPORT must not let two servers share it)", async () => {
    // "Exit status 1 ... a port in use": a port another server listens on is
    // in use; two servers splitting one port's connections would be silent.
    const first = await startServer(mainTable);
    const config = writeTempFile(mainTable);
    const run = await runServerToExit(["--config", config, "--port", String(first.port), "--host", "127.0.0.1", "--threads", "2"], 5_000);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stdout).not.toContain("listening on");
    await first.stop();
  });

  it("start-up line: hotpath-server listening on http://127.0.0.1:PORT (2 threads, 6 routes)", async () => {
    const server = await startServer(mainTable);
    expect(server.startLine).toBe(`hotpath-server listening on http://127.0.0.1:${server.port} (2 threads, ${mainRoutes} routes)`);
    expect(server.stdout().split("\n").filter((l) => l !== "")).toEqual([server.startLine]);
    await server.stop();
  });

  it("--port 0: the port printed is the one that serves", async () => {
    const server = await startServer(mainTable, { port: 0 });
    expect(server.port).toBeGreaterThan(0);
    await expectServed(server.port, GET("/hello/zero"), { status: 200, body: "hello zero" });
    await server.stop();
  });

  it("HOTPATH_THREADS and FAST_SERVER_C_THREADS set the thread count when --threads is absent", async () => {
    const env = { ...process.env };
    delete env["HOTPATH_THREADS"];
    delete env["FAST_SERVER_C_THREADS"];
    const a = await startServer(mainTable, { threads: null, env: { ...env, HOTPATH_THREADS: "3" } });
    expect(a.startLine).toContain("(3 threads,");
    await a.stop();
    const b = await startServer(mainTable, { threads: null, env: { ...env, FAST_SERVER_C_THREADS: "4" } });
    expect(b.startLine).toContain("(4 threads,");
    await b.stop();
  });

  it("--quiet prints no start-up line and still serves", async () => {
    const config = writeTempFile(mainTable);
    const port = await freePort();
    const server = spawnServer(["--config", config, "--port", String(port), "--host", "127.0.0.1", "--threads", "2", "--quiet"]);
    let served = false;
    for (let i = 0; i < 100 && !served && server.child.exitCode === null; ++i) {
      try {
        const o = await ask(port, GET("/hello/quiet"), [{ status: 200 }], { settleMs: 0, timeoutMs: 2_000 });
        served = o.responses[0]?.text === "hello quiet";
      } catch {
        await sleep(100);
      }
    }
    expect(served, server.stderr()).toBe(true);
    expect(server.stdout()).toBe("");
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});

// ---- HTTP/1.1 on the default server -------------------------------------------------

describe.skipIf(!serverBuilt)("HTTP/1.1 (default limits)", () => {
  let server: NativeServer;
  let port = 0;
  beforeAll(async () => {
    server = await startServer(mainTable, { flags: flagsOf("default") });
    port = server.port;
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  describe(CASE_GROUPS.KEEP_ALIVE, () => runGroup(CASE_GROUPS.KEEP_ALIVE, () => port));

  describe(CASE_GROUPS.BODIES, () => {
    runGroup(CASE_GROUPS.BODIES, () => port);

    it("Expect: 100-continue gets HTTP/1.1 100 Continue before the body, then the final answer", async () => {
      const client = await RawClient.connect(port);
      try {
        await client.write(post("Content-Length: 5\r\nExpect: 100-continue\r\n"));
        const interim = await client.waitFor(() => client.data.includes("\r\n\r\n"), 5_000);
        expect(interim, `no 100 Continue; got ${show(client.data)}`).toBe(true);
        expect(client.data.toString("latin1")).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
        expect(countStatusLines(client.data), "only the interim answer before the body").toBe(1);
        await client.write("hello");
        await client.waitFor(() => completeResponses(client.data) >= 1, 5_000);
        const responses = parseAll(client.data, false, false);
        expect(responses.map((r) => r.status), show(client.data)).toEqual([100, 201]);
        expect(responses[1]!.text).toBe("created");
        expect(client.closedByServer).toBe(false);
      } finally {
        client.destroy();
      }
    });
  });

  describe(CASE_GROUPS.SMUGGLING, () => runGroup(CASE_GROUPS.SMUGGLING, () => port));
  describe(CASE_GROUPS.SYNTAX, () => runGroup(CASE_GROUPS.SYNTAX, () => port));
  describe(CASE_GROUPS.FURTHER, () => runGroup(CASE_GROUPS.FURTHER, () => port));

  it("1,000 concurrent connections, each with one request: all answered 200", async () => {
    const clients: RawClient[] = [];
    try {
      const connected = await Promise.allSettled(range(1_000).map(() => RawClient.connect(port, 20_000)));
      for (const c of connected) if (c.status === "fulfilled") clients.push(c.value);
      expect(clients.length, `connections established: ${connected.find((c) => c.status === "rejected") ? String((connected.find((c) => c.status === "rejected") as PromiseRejectedResult).reason) : ""}`).toBe(1_000);
      await Promise.all(clients.map((c, i) => c.write(GET(`/hello/c${i}`))));
      const answered = await Promise.all(clients.map((c) => c.waitFor(() => completeResponses(c.data) >= 1, 20_000)));
      const failures: string[] = [];
      clients.forEach((c, i) => {
        if (!answered[i]) {
          failures.push(`#${i}: ${show(c.data, 200)} closed=${c.closedByServer}`);
          return;
        }
        const [r] = parseAll(c.data, false, false);
        if (r?.status !== 200 || r.text !== `hello c${i}`) failures.push(`#${i}: ${show(c.data, 200)}`);
      });
      expect(failures.slice(0, 10), `${failures.length} of 1000 failed`).toEqual([]);
    } finally {
      for (const c of clients) c.destroy();
    }
  }, 60_000);
});

// ---- limits -------------------------------------------------------------------------

describe.skipIf(!serverBuilt)(CASE_GROUPS.LIMITS, () => {
  let server: NativeServer;
  let port = 0;
  beforeAll(async () => {
    server = await startServer(mainTable, { flags: flagsOf("smallLimits") });
    port = server.port;
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  runGroup(CASE_GROUPS.LIMITS, () => port);
});

// ---- timeouts ------------------------------------------------------------------------

describe.skipIf(!serverBuilt)(CASE_GROUPS.TIMEOUTS, () => {
  let server: NativeServer;
  let port = 0;
  beforeAll(async () => {
    server = await startServer(mainTable, { flags: flagsOf("shortTimeouts") });
    port = server.port;
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  runGroup(CASE_GROUPS.TIMEOUTS, () => port);
});


// ---- connection limit -------------------------------------------------------------------

describe.skipIf(!serverBuilt)("--max-connections 4", () => {
  it("a fifth connection is closed at once without an answer; after one closes, a new one is served", async () => {
    const server = await startServer(mainTable, { flags: ["--max-connections", "4"] });
    await expectConnectionLimit(server.port, 4);
    await server.stop();
  });
});

// ---- signals ------------------------------------------------------------------------------

describe.skipIf(!serverBuilt)("signals", () => {
  it("SIGTERM with requests in flight: every complete request answered, idle and late ones closed, exit 0", async () => {
    const server = await startServer(mainTable);
    const complete = await Promise.all(range(20).map(() => RawClient.connect(server.port)));
    const partial = await Promise.all(range(15).map(() => RawClient.connect(server.port)));
    const idle = await Promise.all(range(15).map(() => RawClient.connect(server.port)));
    const all = [...complete, ...partial, ...idle];
    try {
      await Promise.all(idle.map((c, i) => c.write(GET(`/hello/idle${i}`))));
      const idleAnswered = await Promise.all(idle.map((c) => c.waitFor(() => completeResponses(c.data) >= 1, 5_000)));
      expect(idleAnswered.every(Boolean)).toBe(true);
      await Promise.all(partial.map((c) => c.write("GET /hello/partial HTTP/1.1\r\nHo")));
      await Promise.all(complete.map((c, i) => c.write(GET(`/hello/inflight${i}`))));
      server.child.kill("SIGTERM");
      const signalled = Date.now();

      await sleep(300);
      let late: Buffer = Buffer.alloc(0);
      try {
        late = (await exchange(server.port, GET("/hello/late"), { timeoutMs: 1_500 })).data;
      } catch {
        // refused: not accepting any more
      }
      expect(show(late), "a connection made after SIGTERM is not served").toBe(show(Buffer.alloc(0)));

      const exit = await Promise.race([server.exited, sleep(12_000).then(() => null)]);
      expect(exit, `exit within 10 s of SIGTERM; stderr: ${server.stderr()}`).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(11_500);
      await Promise.all(all.map((c) => c.waitForClose(2_000)));

      complete.forEach((c, i) => {
        const responses = parseAll(c.data, false, true);
        expect(responses.map((r) => [r.status, r.text]), `in-flight #${i}: ${show(c.data)}`).toEqual([[200, `hello inflight${i}`]]);
        expect(c.closedByServer).toBe(true);
      });
      idle.forEach((c, i) => {
        expect(countStatusLines(c.data), `idle #${i}: ${show(c.data)}`).toBe(1);
        expect(c.closedByServer).toBe(true);
      });
      partial.forEach((c, i) => {
        // Whatever a half-received request gets, it is never half an answer.
        expect(() => parseAll(c.data, false, true), `partial #${i}: ${show(c.data)}`).not.toThrow();
        expect(c.data.includes("hello partial"), `partial #${i} was never completed: ${show(c.data)}`).toBe(false);
        expect(c.closedByServer).toBe(true);
      });
    } finally {
      for (const c of all) c.destroy();
    }
  }, 40_000);

  it("SIGTERM with only idle keep-alive connections: they are closed and the process exits 0 promptly", async () => {
    const server = await startServer(mainTable);
    const clients = await Promise.all(range(10).map(() => RawClient.connect(server.port)));
    try {
      await Promise.all(clients.map((c, i) => c.write(GET(`/hello/i${i}`))));
      await Promise.all(clients.map((c) => c.waitFor(() => completeResponses(c.data) >= 1, 5_000)));
      const started = Date.now();
      server.child.kill("SIGTERM");
      const closed = await Promise.all(clients.map((c) => c.waitForClose(5_000)));
      expect(closed.every(Boolean), "every idle connection closed").toBe(true);
      const exit = await Promise.race([server.exited, sleep(5_000).then(() => null)]);
      expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(3_000);
      for (const c of clients) expect(countStatusLines(c.data)).toBe(1);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it("SIGINT stops the server with exit status 0", async () => {
    const server = await startServer(mainTable);
    server.child.kill("SIGINT");
    const exit = await Promise.race([server.exited, sleep(12_000).then(() => null)]);
    expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
  });

  const oldTable = "GET\t/old\t200\ttext/plain\told\n";
  const newTable = "GET\t/new\t200\ttext/plain\tnew\n";

  async function statusOf(port: number, path: string): Promise<[number, string]> {
    const o = await ask(port, GET(path), [{ status: 200 }], { settleMs: 0, timeoutMs: 3_000 });
    const r = o.responses[0];
    if (!r) throw new Error(`no answer to GET ${path}\n${o.ctx}`);
    return [r.status, r.text];
  }

  it("SIGHUP with a good table: new routes answer, old ones are gone, on new and kept-alive connections", async () => {
    const server = await startServer(oldTable);
    const kept = await RawClient.connect(server.port);
    try {
      await kept.write(GET("/old"));
      expect(await kept.waitFor(() => completeResponses(kept.data) >= 1, 5_000)).toBe(true);
      server.writeTable(newTable);
      server.child.kill("SIGHUP");
      let reloaded = false;
      for (let i = 0; i < 50 && !reloaded; ++i) {
        reloaded = (await statusOf(server.port, "/new"))[0] === 200;
        if (!reloaded) await sleep(100);
      }
      expect(reloaded, `/new never answered 200 after SIGHUP; stderr: ${server.stderr()}`).toBe(true);
      expect(await statusOf(server.port, "/new")).toEqual([200, "new"]);
      expect(await statusOf(server.port, "/old")).toEqual([404, "Not Found"]);
      expect(server.alive()).toBe(true);
      await kept.write(GET("/new"));
      expect(await kept.waitFor(() => completeResponses(kept.data) >= 2, 5_000), show(kept.data)).toBe(true);
      const responses = parseAll(kept.data, false, false);
      expect(responses.map((r) => [r.status, r.text])).toEqual([[200, "old"], [200, "new"]]);
    } finally {
      kept.destroy();
    }
    await server.stop();
  });

  it("SIGHUP with a bad table: reported on stderr with its line, the old table keeps serving, process alive", async () => {
    const server = await startServer(oldTable);
    server.writeTable("GET\t/new\t200\ttext/plain\tnew\nFOO\t/x\t200\ttext/plain\tx\n");
    server.child.kill("SIGHUP");
    let reported = false;
    for (let i = 0; i < 50 && !reported; ++i) {
      reported = /(:2:|line 2\b)/.test(server.stderr());
      if (!reported) await sleep(100);
    }
    expect(reported, `stderr names line 2: ${JSON.stringify(server.stderr())}`).toBe(true);
    expect(server.alive()).toBe(true);
    expect(await statusOf(server.port, "/old")).toEqual([200, "old"]);
    expect((await statusOf(server.port, "/new"))[0], "no partial table is served").toBe(404);
    // A good table afterwards still reloads.
    server.writeTable(newTable);
    server.child.kill("SIGHUP");
    let reloaded = false;
    for (let i = 0; i < 50 && !reloaded; ++i) {
      reloaded = (await statusOf(server.port, "/new"))[0] === 200;
      if (!reloaded) await sleep(100);
    }
    expect(reloaded).toBe(true);
    await server.stop();
  });
});
