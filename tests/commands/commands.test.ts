// The commands of the original @hotpath/server 0.1.0 README, run as it
// writes them (through `bun run`, in this checkout), each checked to serve
// or to report: bun run typecheck, bun run dev, FAST_SERVER_C_THREADS=N bun
// run dev:c, TARGETS=c-core WRK_DURATION=1s bun run bench:run, bun run
// bench:workers-call (short), and the manual server command's counterpart.
// (`bun test` itself is part of make test-ts.) The README maps each one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { freePort } from "../../adapters/hotpath-process.js";
import { root } from "../ts/support/node-files.js";
import { run, serve, type Ran, type Served } from "../ts/support/processes.js";

const bun = `${root}node_modules/.bin/bun`;
const hasWrk = spawnSync("wrk", ["-v"]).error === undefined;
const out = mkdtempSync(join(tmpdir(), "hotpath-commands-"));
const running: Served[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(out, { recursive: true, force: true });
});
const ok = (r: Ran) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe("the original README's commands", () => {
  it("bun run typecheck", async () => {
    const r = await run(bun, ["run", "typecheck"], { cwd: root });
    expect(r.code, ok(r)).toBe(0);
  });

  it("bun run dev: the example app on HotpathServer, on Bun.serve", async () => {
    const port = await freePort();
    const dev = await serve(bun, ["run", "dev"], { cwd: root, env: { PORT: String(port) }, url: `http://127.0.0.1:${port}/hello/dev`, body: "hello dev" });
    running.push(dev);
    expect(dev.output()).toContain(`HotpathServer on Bun.serve listening on http://127.0.0.1:${port}/`);
    const json = await fetch(`http://127.0.0.1:${port}/json`);
    expect([json.headers.get("content-type"), await json.json()]).toEqual(["application/json; charset=utf-8", { ok: true }]);
    // SIGTERM to `bun run` alone, which passes it to the app: signalled with
    // its whole group, the wrapper itself dies of it now and then (4 of 12
    // runs here) and takes the app with it, before the app's clean stop.
    expect(await dev.stop({ group: false })).toBe(0);
    expect(dev.output()).toMatch(/\nstopped\n$/);
  });

  it("FAST_SERVER_C_THREADS=3 bun run dev:c: the same routes on hotpath-server, with 3 threads", async () => {
    const port = await freePort();
    const dev = await serve(bun, ["run", "dev:c"], {
      cwd: root, env: { PORT: String(port), FAST_SERVER_C_THREADS: "3" }, url: `http://127.0.0.1:${port}/hello/c`, body: "hello c", timeoutMs: 240_000,
    });
    running.push(dev);
    // The server answers as soon as it listens; the script prints its line
    // once CServer.listen() has resolved, a moment later.
    const line = /hotpath-server \(pid (\d+), 3 threads\)/;
    for (let i = 0; i < 50 && !line.test(dev.output()); ++i) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(line.exec(dev.output())?.[1]);
    expect(pid, dev.output()).toBeGreaterThan(0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argv.slice(argv.indexOf("--threads"), argv.indexOf("--threads") + 2)).toEqual(["--threads", "3"]);
    expect(readdirSync(`/proc/${pid}/task`).length).toBeGreaterThanOrEqual(3);  // one epoll loop per thread
    expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get("server")).toBe("hotpath");
    expect(await (await fetch(`http://127.0.0.1:${port}/json`)).text()).toBe('{"ok":true}');
    await dev.stop();
  }, 260_000);

  it.skipIf(!hasWrk)("TARGETS=c-core WRK_DURATION=1s bun run bench:run (needs wrk: make bootstrap-bench)", async () => {
    const r = await run(bun, ["run", "bench:run"], { cwd: root, env: { TARGETS: "c-core", WRK_DURATION: "1s", BENCH_OUT: out }, timeoutMs: 240_000 });
    expect(r.code, ok(r)).toBe(0);
    expect(r.stdout).toMatch(/^\| c-core \| [\d,]+ \| 1\.00× \|/m);
    const json = readdirSync(out).find((f) => f.endsWith(".json"))!;
    const result = JSON.parse(readFileSync(join(out, json), "utf8"));
    expect(result.settings.wrkDuration).toBe(1);
    expect(result.targets[0].runs.every((run: { command: string }) => / -d1s /.test(run.command))).toBe(true);
  }, 260_000);

  it("bun run bench:workers-call, short: one table with Node and Bun columns", async () => {
    const r = await run(bun, ["run", "bench:workers-call"], { cwd: root, env: { BENCH_SECONDS: "0.05s", BENCH_REPEAT: "1", NAMES: "100" }, timeoutMs: 240_000 });
    expect(r.code, ok(r)).toBe(0);
    expect(r.stdout).toMatch(/## In-process fetch calls/);
    expect(r.stdout).toMatch(/\| Node \d+\.\d+\.\d+ µs \|.*\| Bun \d+\.\d+\.\d+ µs \|/);
    // Every implementation measured on both runtimes: a number in each column.
    expect(r.stdout).toMatch(/^\| \*{0,2}createFastWasmFetch, cached\*{0,2} \| [^|]* \| [\d.]+ \|.*\| [\d.]+ \|/m);
  }, 260_000);

  it("the manual server command: build/hotpath-server --port --threads 6 --config bench/c-core.tsv", async () => {
    // The original's ./core-c/fast-server-c --host 0.0.0.0 ..., on loopback here.
    const port = await freePort();
    const server = await serve(`${root}build/hotpath-server`, ["--host", "127.0.0.1", "--port", String(port), "--threads", "6", "--config", "bench/c-core.tsv"], {
      cwd: root, url: `http://127.0.0.1:${port}/hello/rai`, body: "hello rai",
    });
    running.push(server);
    expect(server.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(6 threads, 6 routes\)/);
    expect(await server.stop()).toBe(0);
  });
});
