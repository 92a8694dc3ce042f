#!/usr/bin/env node
// npm run bench:run — the HTTP benchmark suite: the same route table
// (bench/c-core.tsv) served by each target in turn, measured with wrk on
// 127.0.0.1. For each target and repeat: start it (detached, its own process
// group), wait until BENCH_PATH answers 200 with the expected body, warm up,
// run `wrk --latency`, read the server's CPU time over its whole process tree
// from /proc before and after, sample its memory, stop it and check that every
// process of it has exited. Targets are interleaved within each repeat so that
// drift in machine speed hits all of them alike; medians over valid runs.
//
//   TARGETS=c-core,nginx,...   comma list (default: all); TARGETS=list lists them
//   WRK_DURATION=10 (wrk's forms: 10, 10s, 2m)  WRK_THREADS=<client CPUs>  WRK_CONNECTIONS=64
//   BENCH_PATH=/hello/rai  BENCH_EXPECT=<body>  PIPELINE=1  BENCH_WARMUP=2  BENCH_REPEAT=3
//   PIN=auto|none|server:0-7,client:8-15   BENCH_OUT=bench/results
//   FAST_SERVER_C_THREADS, NGINX_WORKERS, WASM_WORKERS (default: one per server CPU)
//   WASM_RUNTIME=bun|node  WASM_NODE_BRIDGE=hotpath  HOTPATH_SERVER_BINARY=build/hotpath-server
//
// Output: BENCH_OUT/<timestamp>.json and .svg, a markdown table on stdout.
// Exit status 1 when a target cannot start (nothing is written then) or when
// every run of a target was invalid (non-2xx answers or socket errors).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { formatCpuList, allowedCpus, CLOCK_TICKS, parseCpuList, sampleRss, treePids, treeTicks } from "./suite/proc.mjs";
import { markdownTable, svgChart } from "./suite/report.mjs";
import { expectedAnswer, parseTable } from "./suite/table.mjs";
import { TARGET_NAMES, TARGETS, which } from "./suite/targets.mjs";
import { parseDuration } from "./suite/duration.mjs";
import { parseWrk, runWrk, wrkArgs } from "./suite/wrk.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

class SuiteError extends Error {}

// The server running now, stopped on Ctrl-C.
let current = null;

// ---- settings -----------------------------------------------------------------

function envInt(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new SuiteError(`${name} must be an integer >= ${min}, not '${raw}'`);
  return n;
}

/** Whole seconds, in wrk's forms (10, 10s, 2m, 1h): they go to wrk's -d. */
function envDuration(name, fallback, min = 0) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const seconds = parseDuration(name, raw, { min, whole: true });
  if (seconds instanceof Error) throw new SuiteError(seconds.message);
  return seconds;
}

/** PIN: auto (default), none, or "server:LIST,client:LIST" (either part may be left out). */
function parsePin(text) {
  const cpus = allowedCpus();
  const value = (text ?? "auto").trim() || "auto";
  if (value === "none") return { mode: "none", server: null, client: null };
  if (value === "auto") {
    if (cpus.length < 2) return { mode: "none (1 CPU)", server: null, client: null };
    const half = Math.floor(cpus.length / 2);
    return { mode: "auto", server: cpus.slice(0, half), client: cpus.slice(half) };
  }
  const pin = { mode: "explicit", server: null, client: null };
  for (const part of value.split(/,(?=(?:server|client):)/)) {
    const m = /^(server|client):(.+)$/.exec(part.trim());
    if (!m) throw new SuiteError(`PIN must be auto, none or server:LIST,client:LIST (e.g. server:0-7,client:8-15), not '${value}'`);
    let list;
    try {
      list = parseCpuList(m[2]);
    } catch (error) {
      throw new SuiteError(`PIN: ${error.message}`);
    }
    const unknown = list.filter((c) => !cpus.includes(c));
    if (unknown.length) throw new SuiteError(`PIN: CPU ${unknown.join(",")} is not available (this process may use ${formatCpuList(cpus)})`);
    pin[m[1]] = list;
  }
  return pin;
}

function readSettings() {
  const pin = parsePin(process.env.PIN);
  const serverCpuCount = pin.server?.length ?? allowedCpus().length ?? os.cpus().length;
  const clientCpuCount = pin.client?.length ?? allowedCpus().length ?? os.cpus().length;
  const wasmRuntime = process.env.WASM_RUNTIME || "bun";
  if (!["bun", "node"].includes(wasmRuntime)) throw new SuiteError(`WASM_RUNTIME must be bun or node, not '${wasmRuntime}'`);
  const connections = envInt("WRK_CONNECTIONS", 64);
  const threads = envInt("WRK_THREADS", Math.max(1, clientCpuCount));
  if (threads > connections) throw new SuiteError(`WRK_THREADS (${threads}) must not exceed WRK_CONNECTIONS (${connections})`);
  const path = process.env.BENCH_PATH || "/hello/rai";
  if (!path.startsWith("/")) throw new SuiteError(`BENCH_PATH must start with /, not '${path}'`);
  return {
    targets: null,  // filled by main
    path,
    expect: process.env.BENCH_EXPECT ?? null,
    wrkDuration: envDuration("WRK_DURATION", 10, 1),
    wrkThreads: threads,
    wrkConnections: connections,
    pipeline: envInt("PIPELINE", 1),
    warmup: envDuration("BENCH_WARMUP", 2, 0),
    repeat: envInt("BENCH_REPEAT", 3),
    pin: { mode: pin.mode, server: pin.server ? formatCpuList(pin.server) : null, client: pin.client ? formatCpuList(pin.client) : null },
    cThreads: envInt("FAST_SERVER_C_THREADS", serverCpuCount),
    nginxWorkers: envInt("NGINX_WORKERS", serverCpuCount),
    wasmWorkers: envInt("WASM_WORKERS", serverCpuCount),
    wasmRuntime,
    wasmNodeBridge: wasmRuntime === "node" ? (process.env.WASM_NODE_BRIDGE === "hotpath" ? "hotpath (listen-node.js)" : "@hono/node-server") : null,
    hotpathServer: process.env.HOTPATH_SERVER_BINARY || "build/hotpath-server",
    table: "bench/c-core.tsv",
    out: process.env.BENCH_OUT || "bench/results",
  };
}

// ---- progress -----------------------------------------------------------------

const tty = process.stderr.isTTY;
let progressShown = false;
function progress(text) {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${text}`);
    progressShown = true;
  } else {
    process.stderr.write(`${text}\n`);
  }
}
function log(text) {
  if (progressShown) process.stderr.write("\r\x1b[2K");
  progressShown = false;
  process.stderr.write(`${text}\n`);
}

// ---- helpers ------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// hotpath-server's one launcher, and the one freePort (adapters/hotpath-process.ts,
// compiled to dist/ by `npm run build`, which `npm run bench:run` runs first):
// loaded on first use, so TARGETS=list works without dist/.
let launcher = null;
async function hotpathProcess() {
  const module = join(root, "dist/adapters/hotpath-process.js");
  if (!existsSync(module)) throw new SuiteError("dist/adapters/hotpath-process.js is missing: run 'npm run build'");
  launcher ??= await import(pathToFileURL(module).href);
  return launcher;
}

async function freePort() {
  return (await hotpathProcess()).freePort();
}

function get(port, path, timeoutMs = 2000) {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolveGet({ status: res.statusCode, contentType: res.headers["content-type"] ?? "", body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/** A command's output (stdout, else stderr: `nginx -v` writes there), or null when it cannot run. */
function tryRun(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
  if (r.error) return null;
  return (r.stdout.trim() || r.stderr.trim()) || null;
}

const median = (values) => {
  const xs = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
};

const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
const commandText = (env, argv) => [...Object.entries(env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`), ...argv.map(shellQuote)].join(" ");

// ---- machine and versions -----------------------------------------------------

function machineInfo() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const osRelease = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "";
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    allowedCpus: formatCpuList(allowedCpus()),
    kernel: `${os.type()} ${os.release()}`,
    os: /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.platform(),
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function versions(ctx) {
  const commit = tryRun("git", ["-C", root, "rev-parse", "HEAD"]);
  const dirty = tryRun("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]);
  return {
    node: process.versions.node,
    bun: existsSync(ctx.bun) ? tryRun(ctx.bun, ["--version"]) : null,
    nginx: ctx.nginx ? tryRun(ctx.nginx, ["-v"])?.replace(/^nginx version: /, "") ?? null : null,
    workerd: existsSync(ctx.workerd) ? tryRun(ctx.workerd, ["--version"]) : null,
    wrk: tryRun("wrk", ["-v"])?.split("\n")[0]?.replace(/ Copyright.*$/, "") ?? null,
    wrangler: packageVersion("wrangler"),
    hono: packageVersion("hono"),
    honoNodeServer: packageVersion("@hono/node-server"),
    hotpath: commit ? `${commit}${dirty ? " (with uncommitted changes)" : ""}` : null,
  };
}

// ---- one server ---------------------------------------------------------------

/** Starts a target; resolves once it answers BENCH_PATH correctly. Throws SuiteError otherwise. */
async function startServer(target, ctx, setupResult) {
  const port = await freePort();
  const port2 = await freePort();
  const spec = await target.prepare({ ...ctx, port, port2 }, setupResult);
  const prefix = ctx.pin.server ? ["taskset", "-c", ctx.pin.server] : [];
  const argv = [...prefix, ...spec.argv];
  const env = { ...process.env, ...(spec.env ?? {}) };
  // hotpath-server goes through its launcher (spec.hotpath: binary and args);
  // every other target is spawned here. Both in a process group of their own.
  const hotpath = spec.hotpath
    ? (await hotpathProcess()).HotpathProcess.spawn({ ...spec.hotpath, wrapper: prefix, env, cwd: root, detached: true })
    : null;
  const child = hotpath ? hotpath.child : spawn(argv[0], argv.slice(1), { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const server = { child, hotpath, pid: child.pid, port, command: commandText(spec.env, argv), files: spec.files ?? null, output: "", stdout: "", exit: null };
  const keep = (text) => {
    server.output = (server.output + text).slice(-16_384);
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d) => { keep(d); server.stdout = (server.stdout + d).slice(-16_384); });
  child.stderr.on("data", keep);
  server.exited = new Promise((resolveExit) => {
    child.on("exit", (code, signal) => { server.exit = code ?? signal; resolveExit(); });
    child.on("error", (error) => { server.exit = `spawn error: ${error.message}`; keep(error.message); resolveExit(); });
  });
  current = server;
  try {
    await waitReady(target, ctx, spec, server);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

async function waitReady(target, ctx, spec, server) {
  const deadline = Date.now() + (spec.startupMs ?? 20_000);
  let last = "no answer";
  for (;;) {
    if (server.exit !== null) {
      throw new SuiteError(`${target.name} exited (${server.exit}) before it was ready.\n  command: ${server.command}\n  output:\n${indent(server.output)}`);
    }
    if (!spec.readyLine || spec.readyLine.test(server.stdout)) {
      try {
        const answer = await get(server.port, ctx.path);
        if (answer.status === 200 && answer.body === ctx.expected.body) {
          server.contentType = answer.contentType;
          return;
        }
        last = `${answer.status} ${JSON.stringify(answer.body.slice(0, 200))}`;
      } catch (error) {
        last = error.message;
      }
    }
    if (Date.now() > deadline) {
      throw new SuiteError(`${target.name} did not answer GET ${ctx.path} with 200 ${JSON.stringify(ctx.expected.body)} within ${(spec.startupMs ?? 20_000) / 1000}s (last: ${last}).\n  command: ${server.command}\n  output:\n${indent(server.output)}`);
    }
    await sleep(100);
  }
}

function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function indent(text) {
  return (text.trim() || "(none)").split("\n").map((l) => `    ${l}`).join("\n");
}

function groupAlive(pgid) {
  return treePids(pgid);
}

/** SIGTERM to the whole process group, SIGKILL after 10 s; resolves to { exit, clean, leftover }. */
async function stopServer(server) {
  const pgid = server.pid;
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch { /* already gone */ }
  };
  let clean = true;
  if (server.hotpath) {
    clean = !(await server.hotpath.stop(10_000)).forced;
  } else {
    signal("SIGTERM");
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (server.exit === null || groupAlive(pgid).length > 0)) await sleep(50);
  let leftover = groupAlive(pgid);
  if (server.exit === null || leftover.length > 0) {
    clean = false;
    signal("SIGKILL");
    const killDeadline = Date.now() + 5000;
    while (Date.now() < killDeadline && (server.exit === null || groupAlive(pgid).length > 0)) await sleep(50);
    leftover = groupAlive(pgid);
  }
  await Promise.race([server.exited, sleep(1000)]);
  if (current === server) current = null;
  return { exit: server.exit, clean, leftover };
}

// ---- one run ------------------------------------------------------------------

async function measure(target, ctx, setupResult, label) {
  progress(`${label} ${target.name}: starting`);
  const server = await startServer(target, ctx, setupResult);
  const url = `http://127.0.0.1:${server.port}${ctx.path}`;
  const clientPrefix = ctx.pin.client ? ["taskset", "-c", ctx.pin.client] : [];
  const wrkEnv = { ...process.env, PIPELINE: String(ctx.pipeline) };
  const common = { threads: ctx.wrkThreads, connections: ctx.wrkConnections, pipeline: ctx.pipeline, url, script: join(root, "bench/pipeline.lua") };
  let run;
  try {
    const stopRss = sampleRss(server.pid);
    let warmup = null;
    if (ctx.warmup > 0) {
      progress(`${label} ${target.name}: warm-up ${ctx.warmup}s`);
      warmup = await runWrk({ prefix: clientPrefix, args: wrkArgs({ ...common, duration: ctx.warmup, latency: false }), env: wrkEnv, timeoutMs: (ctx.warmup + 60) * 1000 });
    }
    progress(`${label} ${target.name}: wrk ${ctx.wrkDuration}s`);
    const before = treeTicks(server.pid);
    const started = process.hrtime.bigint();
    const wrk = await runWrk({ prefix: clientPrefix, args: wrkArgs({ ...common, duration: ctx.wrkDuration }), env: wrkEnv, timeoutMs: (ctx.wrkDuration + 60) * 1000 });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = treeTicks(server.pid);
    const peakRssKb = stopRss();
    const processes = treePids(server.pid).length;
    run = { command: wrk.command, rawOutput: wrk.output, wrkExit: wrk.code, warmupCommand: warmup?.command ?? null, wallSeconds: Number(wallSeconds.toFixed(3)), processes, peakRssKb };
    const problems = [];
    if (warmup && warmup.code !== 0) problems.push(`warm-up wrk exited ${warmup.code}`);
    if (wrk.code !== 0) problems.push(`wrk exited ${wrk.code}`);
    let parsed = null;
    try {
      parsed = parseWrk(wrk.output);
    } catch (error) {
      problems.push(error.message.split("\n")[0]);
    }
    if (parsed) {
      const cpuSeconds = (after - before) / CLOCK_TICKS;
      Object.assign(run, {
        requests: parsed.requests,
        seconds: parsed.seconds,
        reqPerSec: parsed.reqPerSec,
        latencyMs: parsed.latencyMs,
        non2xx: parsed.non2xx,
        socketErrors: parsed.socketErrorsTotal,
        socketErrorDetail: parsed.socketErrors,
        cpuTicks: after - before,
        cpuSeconds,
        cpuUsPerRequest: parsed.requests > 0 ? (cpuSeconds * 1e6) / parsed.requests : null,
      });
      if (parsed.requests === 0) problems.push("no request completed");
      if (parsed.non2xx > 0) problems.push(`${parsed.non2xx} non-2xx/3xx responses`);
      if (parsed.socketErrorsTotal > 0) problems.push(`socket errors ${JSON.stringify(parsed.socketErrors)}`);
    }
    // The server must still answer correctly after the run.
    try {
      const answer = await get(server.port, ctx.path, 5000);
      if (answer.status !== 200 || answer.body !== ctx.expected.body) problems.push(`after the run it answered ${answer.status} ${JSON.stringify(answer.body.slice(0, 100))}`);
    } catch (error) {
      problems.push(`after the run it did not answer: ${error.message}`);
    }
    if (server.exit !== null) problems.push(`the server exited during the run (${server.exit})`);
    run.valid = problems.length === 0;
    run.invalidReason = problems.length ? problems.join("; ") : null;
  } finally {
    progress(`${label} ${target.name}: stopping`);
    const stop = await stopServer(server);
    if (run) {
      run.serverExit = stop.exit;
      run.stoppedCleanly = stop.clean;
    }
    if (stop.leftover.length > 0) throw new SuiteError(`${target.name}: processes ${stop.leftover.join(", ")} survived SIGKILL`);
    if (!stop.clean) log(`warning: ${target.name} did not exit within 10 s of SIGTERM; killed`);
  }
  run.serverCommand = server.command;
  if (server.files) run.generatedFiles = server.files;
  run.contentType = server.contentType;
  return run;
}

// ---- summary ------------------------------------------------------------------

function summarise(entry) {
  const valid = entry.runs.filter((r) => r.valid);
  if (valid.length === 0) {
    entry.median = null;
    entry.invalidReason = entry.runs.map((r) => r.invalidReason).filter(Boolean)[0] ?? "no valid run";
    return;
  }
  const pick = (f) => median(valid.map(f));
  entry.median = {
    validRuns: valid.length,
    reqPerSec: pick((r) => r.reqPerSec),
    latencyMs: { p50: pick((r) => r.latencyMs.p50), p99: pick((r) => r.latencyMs.p99), max: pick((r) => r.latencyMs.max) },
    cpuSeconds: pick((r) => r.cpuSeconds),
    cpuUsPerRequest: pick((r) => r.cpuUsPerRequest),
    peakRssKb: pick((r) => r.peakRssKb),
    non2xx: pick((r) => r.non2xx),
    socketErrors: pick((r) => r.socketErrors),
  };
}

// ---- main ---------------------------------------------------------------------

function listTargets() {
  const width = Math.max(...TARGETS.map((t) => t.name.length));
  for (const t of TARGETS) console.log(`${t.name.padEnd(width)}  ${t.description}${t.note ? ` [${t.note}]` : ""}`);
}

async function main() {
  const requested = (process.env.TARGETS ?? "").trim();
  if (requested === "list") {
    listTargets();
    return 0;
  }
  const settings = readSettings();
  const names = requested ? requested.split(",").map((s) => s.trim()).filter(Boolean) : TARGET_NAMES;
  const unknown = names.filter((n) => !TARGET_NAMES.includes(n));
  if (unknown.length) throw new SuiteError(`unknown target ${unknown.join(", ")} (TARGETS=list lists them: ${TARGET_NAMES.join(", ")})`);
  if (new Set(names).size !== names.length) throw new SuiteError(`TARGETS names a target twice: ${names.join(",")}`);
  settings.targets = names;
  const targets = names.map((n) => TARGETS.find((t) => t.name === n));

  const rows = parseTable(join(root, settings.table));
  let expected;
  try {
    expected = settings.expect !== null ? { status: 200, body: settings.expect, contentType: null, route: "BENCH_EXPECT" } : expectedAnswer(rows, settings.path);
  } catch (error) {
    throw new SuiteError(error.message);
  }
  if (expected.status !== 200) throw new SuiteError(`GET ${settings.path} answers ${expected.status} in ${settings.table}; BENCH_PATH must name a 200 route`);

  const wranglerToml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const ctx = {
    ...settings,
    root,
    rows,
    expected,
    table: join(root, settings.table),
    hotpathServer: resolve(root, settings.hotpathServer),
    bun: join(root, "node_modules/.bin/bun"),
    workerd: join(root, "node_modules/.bin/workerd"),
    wrangler: join(root, "node_modules/wrangler/bin/wrangler.js"),
    nginx: which("nginx"),
    compatibilityDate: /^compatibility_date\s*=\s*"([^"]+)"/m.exec(wranglerToml)?.[1] ?? "2026-04-01",
    pin: { server: settings.pin.server, client: settings.pin.client },
    work: mkdtempSync(join(os.tmpdir(), "hotpath-bench-")),
  };

  try {
    // Everything every target needs, before anything runs.
    const missing = [];
    if (!which("wrk")) missing.push("wrk is not installed: run 'make bootstrap-bench' (as root)");
    if ((ctx.pin.server || ctx.pin.client) && !which("taskset")) missing.push("taskset is not installed (util-linux); or set PIN=none");
    for (const t of targets) for (const m of t.needs(ctx)) missing.push(`${t.name}: ${m}`);
    if (missing.length) throw new SuiteError(`cannot run:\n${[...new Set(missing)].map((m) => `  ${m}`).join("\n")}`);

    const machine = machineInfo();  // before pinning this process
    // The orchestrator itself stays off the server's CPUs.
    if (ctx.pin.client) tryRun("taskset", ["-a", "-p", "-c", ctx.pin.client, String(process.pid)]);

    const setups = new Map();
    for (const t of targets) {
      if (!t.setup) continue;
      progress(`${t.name}: setting up`);
      try {
        setups.set(t.name, await t.setup(ctx));
      } catch (error) {
        throw new SuiteError(`${t.name}: set-up failed: ${error.message.split("\n")[0]}${error.stderr ? `\n${indent(String(error.stderr))}` : ""}`);
      }
    }

    const startedAt = new Date();
    log(`bench: ${names.join(", ")}; GET ${settings.path} (expect ${JSON.stringify(expected.body)}), ${settings.repeat} x ${settings.wrkDuration}s` +
      `, wrk -t${settings.wrkThreads} -c${settings.wrkConnections}${settings.pipeline > 1 ? ` pipeline ${settings.pipeline}` : ""}` +
      `; server CPUs ${ctx.pin.server ?? "any"}, wrk CPUs ${ctx.pin.client ?? "any"}`);
    const entries = targets.map((t) => ({ name: t.name, description: t.description, ...(t.note ? { note: t.note } : {}), command: null, runs: [] }));
    for (let r = 0; r < settings.repeat; r++) {
      for (const [i, t] of targets.entries()) {
        const label = `[repeat ${r + 1}/${settings.repeat}, target ${i + 1}/${targets.length}]`;
        const run = await measure(t, ctx, setups.get(t.name), label);
        entries[i].command = run.serverCommand;
        if (run.generatedFiles) entries[i].generatedFiles = run.generatedFiles;
        delete run.generatedFiles;
        entries[i].runs.push(run);
        const summary = run.reqPerSec !== undefined
          ? `${Math.round(run.reqPerSec).toLocaleString("en-US")} req/s, ${run.cpuUsPerRequest?.toFixed(2)} µs CPU/req, p99 ${run.latencyMs.p99?.toFixed(2)} ms`
          : "no figures";
        log(`${label} ${t.name}: ${summary}${run.valid ? "" : ` — INVALID: ${run.invalidReason}`}`);
      }
    }
    for (const e of entries) {
      if (e.runs.some((r) => r.contentType !== undefined && ctx.expected.contentType &&
        r.contentType.replace(/\s/g, "").toLowerCase() !== ctx.expected.contentType.replace(/\s/g, "").toLowerCase())) {
        e.contentTypeNote = `answers Content-Type '${e.runs[0].contentType}', the table says '${ctx.expected.contentType}'`;
      }
      summarise(e);
    }
    const first = entries[0].median;
    for (const e of entries) {
      e.ratios = first && e.median
        ? { reqPerSec: e.median.reqPerSec / first.reqPerSec, cpuUsPerRequest: first.cpuUsPerRequest ? e.median.cpuUsPerRequest / first.cpuUsPerRequest : null }
        : null;
    }

    const result = {
      suite: "hotpath bench/run.mjs",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      versions: versions(ctx),
      settings: { ...settings, expectedBody: expected.body, expectedRoute: expected.route, clockTicksPerSecond: CLOCK_TICKS },
      metrics: {
        reqPerSec: "wrk Requests/sec",
        latencyMs: "wrk --latency distribution (p50, p99) and maximum, milliseconds; a percentile wrk prints below the one before it (99% 0.00us under deep pipelining) is null",
        non2xx: "wrk 'Non-2xx or 3xx responses' (a run with any is invalid)",
        socketErrors: "wrk socket errors: connect + read + write + timeout (a run with any is invalid)",
        cpuSeconds: "server CPU time during the wrk run: utime+stime+cutime+cstime over the server's process tree (/proc/<pid>/stat)",
        cpuUsPerRequest: "cpuSeconds * 1e6 / requests completed",
        peakRssKb: "maximum over 200 ms samples (warm-up and run) of the sum of VmRSS over the server's process tree",
      },
      targets: entries,
    };

    const outDir = resolve(root, settings.out);
    mkdirSync(outDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
    const jsonPath = join(outDir, `${stamp}.json`);
    const svgPath = join(outDir, `${stamp}.svg`);
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(svgPath, svgChart(result));
    log("");
    console.log(markdownTable(result));
    for (const e of entries) if (e.contentTypeNote) console.log(`\nnote: ${e.name} ${e.contentTypeNote}`);
    log(`\nbench: wrote ${displayPath(jsonPath)} and ${displayPath(svgPath)}`);
    const invalid = entries.filter((e) => !e.median);
    if (invalid.length) {
      log(`bench: no valid run for ${invalid.map((e) => `${e.name} (${e.invalidReason})`).join(", ")}`);
      return 1;
    }
    return 0;
  } finally {
    rmSync(ctx.work, { recursive: true, force: true });
  }
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current.pid, "SIGKILL");
      } catch { /* gone */ }
    }
    log(`bench: interrupted (${sig})`);
    process.exit(130);
  });
}

main().then(
  (code) => { process.exitCode = code; },
  (error) => {
    log(`bench: ${error instanceof SuiteError ? error.message : error.stack}`);
    process.exitCode = 1;
  },
);
