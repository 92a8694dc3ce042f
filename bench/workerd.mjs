// npm run bench:workerd — the in-process comparison inside workerd, the
// runtime Workers run: bench/workerd/index.ts, bundled by `wrangler deploy
// --dry-run` twice (wrangler's default keep_names = true, and keep_names =
// false), each served by `workerd serve` on 127.0.0.1, timed by the Worker
// itself (see its header: batches between awaited timers, the timers' own
// time measured by empty batches and taken off, a clock that did not move is
// an error). Batches alternate between targets and between the two bundles.
//   BENCH_REPEAT=9   batches per target and bundle (median)
//   BATCH_MS=150     about how long a batch runs
//   BENCH_PROCESSES=3  workerd processes per target and bundle, taking the
//                    batches in turn: one process's JIT and heap can be a
//                    quarter faster or slower than another's, so one each
//                    would rank processes, not code
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { workerdConfig } from "./suite/workerd-config.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const repeat = Number(process.env.BENCH_REPEAT ?? 9);
const batchMs = Number(process.env.BATCH_MS ?? 150);
const processCount = Math.max(1, Number(process.env.BENCH_PROCESSES ?? 3));
const OFFLINE_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const workerd = join(root, "node_modules/.bin/workerd");
const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
const compatibilityDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(join(root, "wrangler.toml"), "utf8"))[1];
if (!existsSync(join(root, "build/router.wasm"))) {
  console.error("build/router.wasm is missing: run `make wasm` (npm run bench:workerd does).");
  process.exit(1);
}

const work = join(root, "build/bench-workerd");
rmSync(work, { recursive: true, force: true });

function bundle(label, dirName, keepNames) {
  const dir = join(work, dirName);
  mkdirSync(dir, { recursive: true });
  const toml = `name = "hotpath-bench"
main = "${join(root, "bench/workerd/index.ts")}"
compatibility_date = "${compatibilityDate}"
${keepNames === null ? "" : `keep_names = ${keepNames}\n`}
[[rules]]
type = "CompiledWasm"
globs = ["**/*.wasm"]
fallthrough = true

[[rules]]
type = "Text"
globs = ["**/*.tsv"]
fallthrough = true
`;
  writeFileSync(join(dir, "wrangler.toml"), toml);
  execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", join(dir, "out"), "--config", join(dir, "wrangler.toml")], {
    cwd: root, env: { ...process.env, ...OFFLINE_ENV }, stdio: ["ignore", "pipe", "pipe"],
  });
  // The main module first (workerd takes the first as main).
  const files = readdirSync(join(dir, "out")).filter((f) => !f.endsWith(".map") && f !== "README.md" && f !== "index.js");
  if (!existsSync(join(dir, "out", "index.js"))) throw new Error(`${label}: wrangler emitted ${files.join(", ")} and no index.js`);
  files.unshift("index.js");
  const bytes = readFileSync(join(dir, "out", "index.js"), "utf8");
  return { label, dir, files, keepNamesCalls: (bytes.match(/__name\(/g) ?? []).length };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function serve(b) {
  const port = await freePort();
  const config = workerdConfig({ port, modules: b.files.map((name) => ({ name, path: `out/${name}` })), compatibilityDate });
  writeFileSync(join(b.dir, "config.capnp"), config);
  const child = spawn(workerd, ["serve", join(b.dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(`${base}/targets`);
      const body = await response.json();
      if (!response.ok) throw new Error(`${b.label}: a target answers wrongly: ${JSON.stringify(body)}`);
      return { ...b, base, child, targets: [...body.fetch, ...body.match] };
    } catch (error) {
      if (String(error).includes("answers wrongly")) throw error;
      if (child.exitCode !== null) throw new Error(`workerd exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`workerd did not start: ${stderr}`);
}

async function run(server, target, n) {
  const response = await fetch(`${server.base}/run?target=${encodeURIComponent(target)}&n=${n}`);
  const body = await response.json();
  if (!response.ok) throw new Error(`${server.label} ${target}: ${body.error}`);
  return body.ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bundles = [bundle("keep_names = true (wrangler's default)", "keep-names-default", null), bundle("keep_names = false", "keep-names-false", false)];
// BENCH_PROCESSES workerd processes per bundle and target, so that no
// target's code is optimised for another's; idle ones take no CPU while
// another is timed.
const processes = [];
try {
  const first = await serve(bundles[0]);
  processes.push(first);
  const targets = first.targets;
  const servers = new Map();  // `${bundle index} ${target} ${process}` -> server
  for (const [i, b] of bundles.entries()) {
    for (const target of targets) {
      for (let k = 0; k < processCount; k++) {
        const server = servers.size === 0 ? first : await serve(b);
        if (server !== first) processes.push(server);
        servers.set(`${i} ${target} ${k}`, server);
      }
    }
  }
  const at = (i, target, k = 0) => servers.get(`${i} ${target} ${k}`);
  // Batch sizes from a first batch each, in the first bundle (which also warms it up).
  const sizes = new Map();
  for (const target of targets) {
    let n = target.startsWith("match:") ? 10_000 : 200;
    for (;;) {
      const ms = await run(at(0, target), target, n);
      if (ms >= batchMs / 4) {
        sizes.set(target, Math.max(1, Math.round((n * batchMs) / ms)));
        break;
      }
      n *= 4;
    }
    // Every other process's warm-up.
    for (const i of bundles.keys()) {
      for (let k = 0; k < processCount; k++) if (i !== 0 || k !== 0) await run(at(i, target, k), target, sizes.get(target));
    }
  }
  const baseline = bundles.map(() => []);
  const times = bundles.map(() => new Map(targets.map((t) => [t, []])));
  for (let r = 0; r < repeat; r++) {
    for (const target of targets) {
      for (const i of bundles.keys()) {
        const server = at(i, target, r % processCount);
        baseline[i].push(await run(server, "empty", 0));
        times[i].get(target).push(await run(server, target, sizes.get(target)));
      }
    }
  }
  const labels = bundles.map((b) => b.label);
  const rows = targets.map((target) => ({
    target,
    cells: bundles.map((_, i) => {
      const ms = median(times[i].get(target)) - median(baseline[i]);
      return (ms * 1000) / sizes.get(target);  // µs per call
    }),
  }));
  const us = (target, i) => rows.find((r) => r.target === target).cells[i];
  console.log(`## Inside workerd: µs per call, in-process, ${labels.join(" | ")}\n`);
  const head = labels.map((label) => `${label}: µs | × ceiling | × Hono`).join(" | ");
  console.log(`| target | ${head} |`);
  console.log(`| --- |${labels.map(() => " ---: | ---: | ---: |").join("")}`);
  for (const { target, cells } of rows) {
    const parts = cells.map((u, i) => {
      if (target.startsWith("match:")) return `${u.toFixed(3)} | — | —`;
      return `${u.toFixed(2)} | ${(us("ceiling: new Response(text)", i) / u).toFixed(2)} | ${(us("Hono app.fetch", i) / u).toFixed(2)}`;
    });
    const label = /Hotpath|WasmRouter|TypeScript|createFastWasmFetch/.test(target) ? `**${target}**` : target;
    console.log(`| ${label} | ${parts.join(" | ")} |`);
  }
  const version = execFileSync(workerd, ["--version"], { encoding: "utf8" }).trim();
  console.log(`
Each fetch call: new Request(url) for one of 1,000 rotating /hello/<name> paths, the handler, await response.text(); a match call: GET and the path.
Inside workerd the clock moves only at I/O: each batch (about ${batchMs} ms, sizes ${[...sizes].map(([t, n]) => `${n}`).join("/")}) runs between two awaited timers, and the median of empty batches (the timers alone: ${baseline.map((b) => median(b).toFixed(2)).join(" / ")} ms) is taken off. ${processCount} workerd process${processCount === 1 ? "" : "es"} per bundle and target, taking the batches in turn; median of ${repeat} batches per target and bundle, targets and bundles taking turns.
× ceiling / × Hono: calls per second over that row's, same bundle. keep_names = true makes wrangler's esbuild wrap every function in __name() (${bundles.map((b) => `${b.keepNamesCalls} calls in the ${b.label.split(" (")[0]} bundle`).join(", ")}).
${version}, compatibility date ${compatibilityDate}; Machine: ${cpus()[0].model}, ${cpus().length} cores; ${new Date().toISOString().slice(0, 10)}.`);
} finally {
  for (const p of processes) p.child.kill("SIGKILL");
}
