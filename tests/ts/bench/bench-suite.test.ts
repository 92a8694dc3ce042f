// The HTTP benchmark suite (bench/run.mjs, npm run bench:run): the target
// list, a 1-second smoke run of c-core whose JSON has every field with sane
// values, and loud failure (exit 1, no result files) when a target cannot
// start. Needs wrk (make bootstrap-bench) and build/hotpath-server (make
// native); skipped with a message only when wrk is not installed.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { root } from "../support/node-files.js";

const TARGETS = ["c-core", "c-core-fallback", "c-core-fallback-bun", "handler-node", "handler-bun", "fast-dyn-node", "fast-dyn-bun", "mixed-c", "mixed-c-bun", "nginx", "hono", "hono-bun", "fast", "fast-node", "bun-raw", "wasm", "wasm-cluster", "workerd", "wrangler-dev"];
const hasWrk = spawnSync("wrk", ["-v"]).error === undefined;
if (!hasWrk) console.warn("bench-suite.test.ts: wrk is not installed (make bootstrap-bench): the suite's runs are skipped");

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  out: string;
}

/** node bench/run.mjs with env, BENCH_OUT in a fresh temporary folder. */
function suite(env: Record<string, string>): Promise<Result> {
  const out = mkdtempSync(join(tmpdir(), "bench-suite-test-"));
  outDirs.push(out);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/run.mjs"], {
      cwd: root,
      env: { ...process.env, BENCH_OUT: out, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, out }));
  });
}

// Durations in wrk's forms, as the original README writes them.
const smoke = { TARGETS: "c-core", WRK_DURATION: "1s", BENCH_REPEAT: "1", BENCH_WARMUP: "0s" };

describe("bench/run.mjs", () => {
  it("TARGETS=list prints every target with a description", async () => {
    const { code, stdout } = await suite({ TARGETS: "list" });
    expect(code).toBe(0);
    for (const name of TARGETS) expect(stdout).toMatch(new RegExp(`^${name}\\s{2,}\\S.{10,}$`, "m"));
    expect(stdout).toMatch(/^wrangler-dev .*not an edge figure/m);
  });

  it.skipIf(!hasWrk)("a 1-second run of c-core writes a complete JSON, an SVG and a table", async () => {
    const { code, stdout, stderr, out } = await suite(smoke);
    expect(code, stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    const json = files.find((f) => f.endsWith(".json"))!;
    const svg = files.find((f) => f.endsWith(".svg"))!;
    expect(json.replace(".json", "")).toBe(svg.replace(".svg", ""));

    const result = JSON.parse(readFileSync(join(out, json), "utf8"));
    // Values first: Bun 1.4.5's toMatchObject replaces the properties it
    // matched against expect.any() with the matchers (tests/ts/README.md).
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.machine).toMatchObject({ cpuModel: expect.any(String), cpus: expect.any(Number), kernel: expect.any(String), memoryMb: expect.any(Number) });
    expect(result.versions).toMatchObject({ node: process.versions.node, wrk: expect.stringMatching(/^wrk /), hotpath: expect.stringMatching(/^[0-9a-f]{40}/) });
    for (const key of ["bun", "nginx", "workerd"]) expect(result.versions).toHaveProperty(key);
    expect(result.settings).toMatchObject({
      targets: ["c-core"], path: "/hello/rai", expectedBody: "hello rai", wrkDuration: 1, repeat: 1, warmup: 0, pipeline: 1,
      wrkConnections: 64, wrkThreads: expect.any(Number), pin: expect.any(Object), cThreads: expect.any(Number),
    });
    expect(Date.parse(result.startedAt)).toBeLessThanOrEqual(Date.parse(result.finishedAt));

    expect(result.targets).toHaveLength(1);
    const target = result.targets[0];
    expect(target.name).toBe("c-core");
    expect(target.description).toMatch(/hotpath-server/);
    expect(target.command).toMatch(/hotpath-server --config \S+c-core\.tsv --host 127\.0\.0\.1 --port \d+ --threads \d+/);
    expect(target.runs).toHaveLength(1);
    const run = target.runs[0];
    expect(run.rawOutput).toMatch(/Requests\/sec:/);
    expect(run.command).toMatch(/wrk --latency -t\d+ -c64 -d1s http:\/\/127\.0\.0\.1:\d+\/hello\/rai$/);
    expect(run.valid).toBe(true);
    expect(run.invalidReason).toBeNull();
    expect(run.requests).toBeGreaterThan(0);
    expect(run.reqPerSec).toBeGreaterThan(0);
    expect(run.non2xx).toBe(0);
    expect(run.socketErrors).toBe(0);
    expect(run.latencyMs.p50).toBeGreaterThan(0);
    expect(run.latencyMs.p99).toBeGreaterThanOrEqual(run.latencyMs.p50);
    expect(run.latencyMs.max).toBeGreaterThanOrEqual(run.latencyMs.p99);
    expect(run.cpuSeconds).toBeGreaterThan(0);
    expect(run.cpuUsPerRequest).toBeGreaterThan(0);
    expect(run.cpuUsPerRequest).toBeLessThan(10_000);
    expect(run.peakRssKb).toBeGreaterThan(100);
    expect(run.stoppedCleanly).toBe(true);
    expect(run.serverExit).toBe(0);  // hotpath-server exits 0 on SIGTERM
    expect(target.median).toMatchObject({
      validRuns: 1, reqPerSec: run.reqPerSec, cpuUsPerRequest: run.cpuUsPerRequest, cpuSeconds: run.cpuSeconds, peakRssKb: run.peakRssKb,
      latencyMs: { p50: run.latencyMs.p50, p99: run.latencyMs.p99, max: run.latencyMs.max },
    });
    expect(target.ratios).toEqual({ reqPerSec: 1, cpuUsPerRequest: 1 });

    const chart = readFileSync(join(out, svg), "utf8");
    expect(chart.startsWith("<svg ")).toBe(true);
    expect(chart.trimEnd().endsWith("</svg>")).toBe(true);
    expect(chart).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(chart).toContain(">c-core<");
    expect(chart.match(/<rect /g)!.length).toBeGreaterThanOrEqual(3);  // background and two bars

    expect(stdout).toMatch(/^\| target \| req\/s \|/m);
    expect(stdout).toMatch(/^\| c-core \| [\d,]+ \| 1\.00× \|/m);
    expect(stderr).toMatch(/c-core: starting/);
  }, 60_000);

  it.skipIf(!hasWrk)("a 1-second run of c-core-fallback answers its handler route through serveFallback, counting both processes", async () => {
    const { code, stderr, out } = await suite({ ...smoke, TARGETS: "c-core-fallback", BENCH_PATH: "/dyn/rai", BENCH_EXPECT: "hello rai" });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, readdirSync(out).find((f) => f.endsWith(".json"))!), "utf8"));
    const run = result.targets[0].runs[0];
    expect(run.valid, run.invalidReason).toBe(true);
    expect(run.requests).toBeGreaterThan(0);
    expect(run.non2xx).toBe(0);
    expect(run.processes, "the fallback and hotpath-server").toBe(2);
    expect(run.stoppedCleanly).toBe(true);
    expect(run.serverExit).toBe(0);
  }, 60_000);

  it.skipIf(!hasWrk)("fails loudly, writing nothing, when the server binary is missing", async () => {
    const { code, stdout, stderr, out } = await suite({ ...smoke, HOTPATH_SERVER_BINARY: "/nonexistent/hotpath-server" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/c-core: \/nonexistent\/hotpath-server is missing .*make native/);
    expect(stdout).toBe("");
    expect(readdirSync(out)).toEqual([]);
  });

  it.skipIf(!hasWrk)("fails loudly, writing nothing, when the server exits instead of serving", async () => {
    const { code, stdout, stderr, out } = await suite({ ...smoke, HOTPATH_SERVER_BINARY: "/bin/false" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/c-core exited \(1\) before it was ready/);
    expect(stdout).toBe("");
    expect(readdirSync(out)).toEqual([]);
  });

  it("rejects a duration wrk would not take, naming the forms it does", async () => {
    for (const bad of ["10x", "1.5", "0"]) {
      const { code, stderr, out } = await suite({ ...smoke, WRK_DURATION: bad });
      expect(code).toBe(1);
      expect(stderr).toContain(`WRK_DURATION must be a duration as wrk takes it (10, 10s, 2m or 1h, at least 1s, a whole number of seconds), not '${bad}'`);
      expect(readdirSync(out)).toEqual([]);
    }
  });

  it("rejects unknown targets and paths the table does not answer with 200", async () => {
    const unknown = await suite({ TARGETS: "c-core,nope" });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown target nope/);
    const path = await suite({ TARGETS: "c-core", BENCH_PATH: "/missing" });
    expect(path.code).toBe(1);
    expect(path.stderr).toMatch(/no GET route of the table matches \/missing/);
    expect(readdirSync(path.out)).toEqual([]);
  });
});
