// npm run bench:router — the route matchers side by side, in lookups per
// second, on one table (bench/github-api.tsv, 197 GitHub-REST-style routes)
// and one request list (bench/github-api.requests, request i is meant for
// route i), all in one run:
//
//   hotpath C++   build/router_bench (Google Benchmark, case GithubApi): times
//                 match_request only: method code + target in, route and
//                 decoded parameters out. Rendering the body is not timed.
//   router.wasm   build/router.wasm called from JS the way WasmRouter
//                 (adapters/wasm/router.ts) calls it: method string to code,
//                 target copied into Wasm memory, one route_request call. The
//                 table loaded for timing has the same METHOD and PATH lines
//                 but static bodies, so route_request does not render a body
//                 (the other routers don't build one either).
//   find-my-way   router.find(method, path): route and decoded params; the
//                 default tree walk (the anchor of the ratios), and again
//                 after router.compile(), its opt-in code-generating mode.
//   Hono          router.match(method, path) on the router `new Hono()` uses
//                 (SmartRouter over RegExpRouter and TrieRouter): handlers and
//                 raw params. RegExpRouter is tried first; the output says
//                 which router served.
//
// Before timing, every router must send every request to route i with the
// expected parameter values, or the script stops (how each router's syntax
// and priority rules are mapped is said where it is built, and in the
// output). The JS rows run in Node and
// again in Bun (a child process: `bun bench/router-compare.mjs --child`).
//   BENCH_REPEAT=5     repeats; the median is reported
//   BENCH_SECONDS=1    seconds per router per repeat
//   BENCH_BUN=0        skip the Bun column
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import FindMyWay from "find-my-way";
import { UnsupportedPathError } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

import { envDuration } from "./suite/duration.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const child = process.argv.includes("--child");
const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
const version = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;

// ---- The table and the requests ---------------------------------------------

const tableText = readFileSync(`${root}bench/github-api.tsv`, "utf8");
const routes = [];
tableText.split("\n").forEach((text, at) => {
  if (text === "" || text.startsWith("#")) return;
  const [method, path] = text.split("\t");
  const segments = path.split("/").slice(1);
  if (segments.some((s) => s === "*")) throw new Error(`line ${at + 1}: only named wildcards (*name) are mapped`);
  // Hotpath's priority: static, then :param, then *wildcard, segment by segment.
  const rank = segments.map((s) => (s.startsWith(":") ? 1 : s.startsWith("*") ? 2 : 0));
  const names = segments.filter((s) => /^[:*]/.test(s)).map((s) => s.slice(1));
  routes.push({ method, path, segments, rank, names, line: at + 1 });
});
const requests = readFileSync(`${root}bench/github-api.requests`, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((text) => {
    const [method, target] = text.split("\t");
    return { method, target };
  });
if (requests.length !== routes.length) throw new Error("github-api.requests must hold one request per route");
const methods = requests.map((r) => r.method);
const targets = requests.map((r) => r.target);
const N = requests.length;

// What request i must give: route i, and each parameter's decoded value.
function expected(i) {
  const parts = targets[i].split("?")[0].split("/").slice(1);
  const values = [];
  routes[i].segments.forEach((s, k) => {
    if (s.startsWith(":")) values.push(decodeURIComponent(parts[k]));
    if (s.startsWith("*")) values.push(decodeURIComponent(parts.slice(k).join("/")));
  });
  return values;
}

// ---- The routers ---------------------------------------------------------------
// Each has `lookup(i)` -> [route index, parameter values] for the check, and
// `rounds(n)`: n passes over the request list, the timed loop, written out
// per router so each match call site stays monomorphic. rounds returns the
// number of answers, which the caller checks (and which keeps the work live).

// The tree walk is find-my-way's default (and Fastify's), the anchor of the
// ratios; compile() is its opt-in mode that generates JavaScript per table.
function findMyWay(compiled) {
  // *name -> * (find-my-way's wildcard is unnamed; its value is params["*"]).
  // The store is { index } because find-my-way turns a falsy store into null.
  const router = FindMyWay();
  routes.forEach((r, index) => router.on(r.method, r.path.replace(/\*\w+$/, "*"), () => {}, { index }));
  if (compiled) router.compile();
  return {
    name: `find-my-way ${version("find-my-way")}${compiled ? " compile()" : ""}`,
    base: !compiled,
    lookup(i) {
      const found = router.find(methods[i], targets[i]);
      if (found === null) return [-1, []];
      const route = routes[found.store.index];
      return [found.store.index, route.names.map((n) => found.params[route.path.endsWith(`/*${n}`) ? "*" : n])];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) if (router.find(methods[i], targets[i]) !== null) answered++;
      }
      return answered;
    },
  };
}

// Hono answers with every matching handler in registration order and its app
// runs the first, where Hotpath and find-my-way take the most specific route;
// so Hono gets the routes in Hotpath's priority order (static before :param
// before *, segment by segment). *name -> :name{.+} (a named catch-all; it
// does not match an empty rest, which no request of the list has).
const honoOrder = routes.map((_, i) => i).sort((a, b) => compareRank(routes[a].rank, routes[b].rank) || a - b);
function compareRank(a, b) {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}
const honoPath = (path) => path.replace(/\*(\w+)$/, ":$1{.+}");

// Which routes RegExpRouter alone refuses (for the notes).
function regExpRouterRejects() {
  const router = new RegExpRouter();
  const rejected = [];
  for (const i of honoOrder) {
    try {
      router.add(routes[i].method, honoPath(routes[i].path), i);
    } catch (error) {
      if (!(error instanceof UnsupportedPathError)) throw error;
      rejected.push(`${routes[i].method} ${routes[i].path}`);
    }
  }
  return rejected;
}

function hono() {
  const router = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
  for (const i of honoOrder) router.add(routes[i].method, honoPath(routes[i].path), i);
  router.match("GET", "/"); // SmartRouter settles on the first router that takes every route
  return {
    name: `Hono ${version("hono")} ${router.activeRouter.name}`,
    lookup(i) {
      // RegExpRouter: [[handler, {name: stash index}][], stash]; TrieRouter: [[handler, {name: value}][]].
      const [handlers, stash] = router.match(methods[i], targets[i]);
      if (handlers.length === 0) return [-1, []];
      const [index, params] = handlers[0];
      return [index, routes[index].names.map((n) => (stash ? stash[params[n]] : params[n]))];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) if (router.match(methods[i], targets[i])[0].length !== 0) answered++;
      }
      return answered;
    },
  };
}

const METHOD_CODES = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 }; // abi/README.md
const OTHER_METHOD = 7;

async function wasm() {
  const path = `${root}build/router.wasm`;
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
  const abi = instance.exports;
  const text = new TextDecoder();
  const encoder = new TextEncoder();
  let input = 0; // WasmRouter's input buffer: one alloc, reused for every target
  const record = () => new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
  const body = () => {
    const [ptr, len] = record();
    return text.decode(new Uint8Array(abi.memory.buffer, ptr, len));
  };
  function load(lines) {
    const bytes = encoder.encode(lines.join("\n"));
    const ptr = abi.alloc(bytes.length);
    new Uint8Array(abi.memory.buffer).set(bytes, ptr);
    if (abi.load_routes(ptr, bytes.length) !== 0) throw new Error("router.wasm refused the derived table");
    input = abi.alloc(64 * 1024); // an alloc buffer lasts until the next alloc: take it back for targets
  }
  // WasmRouter.#writeTarget: request targets are ASCII, copied byte by byte.
  let bytes = new Uint8Array(abi.memory.buffer);
  function route(method, target) {
    if (bytes.length === 0) bytes = new Uint8Array(abi.memory.buffer); // memory grew: view detached
    const length = target.length;
    for (let c = 0; c < length; c++) bytes[input + c] = target.charCodeAt(c);
    return abi.route_request(METHOD_CODES[method] ?? OTHER_METHOD, input, length);
  }
  if (targets.some((t) => /[^\x00-\x7f]/.test(t) || t.length > 64 * 1024)) throw new Error("targets must be short ASCII");

  // For the check: same METHOD and PATH, body "i\n{name}\n{name}..." names the route and echoes its params.
  load(routes.map((r, i) => `${r.method}\t${r.path}\t200\ttext/plain\t${i}${r.names.map((n) => `\\n{${n}}`).join("")}`));
  const checked = routes.map((_, i) => {
    route(methods[i], targets[i]);
    const [index, ...values] = body().split("\n");
    return [Number(index), values];
  });
  // For timing: the same METHOD and PATH, a static body "i": matching, no rendering.
  load(routes.map((r, i) => `${r.method}\t${r.path}\t200\ttext/plain\t${i}`));
  for (let i = 0; i < N; i++) {
    route(methods[i], targets[i]);
    if (body() !== String(i)) throw new Error(`router.wasm timing table: ${methods[i]} ${targets[i]} answered ${body()}`);
  }
  return {
    name: "hotpath router.wasm via JS",
    lookup: (i) => checked[i],
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) if (route(methods[i], targets[i]) === 200) answered++;
      }
      return answered;
    },
  };
}

// ---- Checking and timing -------------------------------------------------------

function check(name, lookup) {
  const wrong = [];
  for (let i = 0; i < N; i++) {
    const [index, values] = lookup(i);
    const want = expected(i);
    if (index !== i || JSON.stringify(values) !== JSON.stringify(want)) {
      const got = index < 0 ? "no route" : `${routes[index].method} ${routes[index].path} ${JSON.stringify(values)}`;
      wrong.push(`  ${methods[i]} ${targets[i]}: want ${routes[i].method} ${routes[i].path} ${JSON.stringify(want)}, got ${got}`);
    }
  }
  if (wrong.length > 0) {
    console.error(`${name} routes ${wrong.length} of ${N} requests differently:\n${wrong.slice(0, 10).join("\n")}`);
    process.exit(1);
  }
}

// Rounds per timed batch so a batch lasts about 10 ms (few clock reads).
function calibrate(router) {
  let n = 1;
  for (;;) {
    const start = performance.now();
    router.rounds(n);
    const ms = performance.now() - start;
    if (ms >= 10) return Math.max(1, Math.round((n * 10) / ms));
    n *= 2;
  }
}

function timed(router, batch, ms) {
  let lookups = 0;
  const start = performance.now();
  let now = start;
  do {
    if (router.rounds(batch) !== batch * N) throw new Error(`${router.name}: a request went unanswered while timing`);
    lookups += batch * N;
    now = performance.now();
  } while (now - start < ms);
  return (lookups * 1000) / (now - start);
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm-up (the JIT tiers up), then `repeat` repeats interleaved across the
// routers so that noise on a shared machine spreads over all of them.
function measure(routers) {
  const batches = routers.map((r) => {
    timed(r, calibrate(r), 500);
    return calibrate(r);
  });
  const rates = routers.map(() => []);
  for (let k = 0; k < repeat; k++) routers.forEach((r, j) => rates[j].push(timed(r, batches[j], seconds * 1000)));
  return routers.map((r, j) => ({ name: r.name, base: r.base, rate: median(rates[j]) }));
}

async function jsRows() {
  const routers = [await wasm(), findMyWay(false), findMyWay(true), hono()];
  for (const r of routers) check(`${r.name} (${runtime})`, r.lookup);
  return measure(routers);
}

if (child) {
  console.log(JSON.stringify({ runtime, rows: await jsRows() }));
  process.exit(0);
}

// ---- Native: build/router_bench -----------------------------------------------

const benchBinary = `${root}build/router_bench`;
for (const [file, how] of [
  [benchBinary, "make build   (needs libbenchmark-dev: make bootstrap)"],
  [`${root}build/router.wasm`, "make wasm"],
]) {
  if (!existsSync(file)) {
    console.error(`${file.slice(root.length)} is missing: run \`${how}\`, or \`npm run bench:router\`, which runs make first.`);
    process.exit(1);
  }
}

function nativeRow() {
  const lineToIndex = new Map(routes.map((r, i) => [r.line, i]));
  let printed;
  try {
    printed = execFileSync(benchBinary, ["--print-matches"], { encoding: "utf8", stdio: "pipe" }).trimEnd().split("\n");
  } catch {
    console.error("build/router_bench has no --print-matches (built before this script): run `make build`.");
    process.exit(1);
  }
  check("hotpath C++ (build/router_bench)", (i) => {
    const [line, ...values] = (printed[i] ?? "0").split("\t");
    return [lineToIndex.get(Number(line)) ?? -1, values];
  });
  const json = execFileSync(
    benchBinary,
    ["--benchmark_filter=^GithubApi$", `--benchmark_repetitions=${repeat}`, "--benchmark_report_aggregates_only=true",
     `--benchmark_min_time=${seconds}`, "--benchmark_format=json"],
    { encoding: "utf8" },
  );
  const runs = JSON.parse(json).benchmarks; // with one repetition there is no median entry
  const result = runs.find((b) => b.aggregate_name === "median") ?? runs.find((b) => b.run_type === "iteration");
  const cache = readFileSync(`${root}build/CMakeCache.txt`, "utf8");
  const setting = (key) => cache.match(new RegExp(`^${key}:[A-Z]+=(.*)$`, "m"))?.[1] ?? "";
  const compiler = execFileSync(setting("CMAKE_CXX_COMPILER"), ["--version"], { encoding: "utf8" }).split("\n")[0];
  const flags = setting(`CMAKE_CXX_FLAGS_${setting("CMAKE_BUILD_TYPE").toUpperCase()}`);
  // Wall-clock time, as for the JS rows (items_per_second would be CPU time,
  // which flatters native code on a busy machine). One iteration = N lookups.
  const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[result.time_unit];
  return { name: "hotpath C++ match_request (native)", rate: (N * 1e9) / (result.real_time * unit), compiler: `${compiler} ${flags}` };
}

function bunRows() {
  const bun = `${root}node_modules/.bin/bun`;
  if (process.env.BENCH_BUN === "0") return { note: "Bun column skipped (BENCH_BUN=0)" };
  if (!existsSync(bun)) return { note: "Bun column skipped: node_modules/.bin/bun not found (npm ci)" };
  const out = execFileSync(bun, [fileURLToPath(import.meta.url), "--child"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out);
}

const rejected = regExpRouterRejects();
const native = nativeRow();
const node = await jsRows();
const honoRow = node.find((r) => r.name.startsWith("Hono"));
const bun = bunRows();

// ---- Output --------------------------------------------------------------------

const fmt = (x) => Math.round(x).toLocaleString("en-US");
const cells = (row, base) => (row ? [fmt(row.rate), (1e9 / row.rate).toFixed(1), (row.rate / base).toFixed(2)] : ["—", "—", "—"]);
const fmwRate = (rows) => rows.find((r) => r.base).rate;
const bunByName = new Map((bun.rows ?? []).map((r) => [r.name, r]));
const bunHeader = bun.rows ? ` ${bun.runtime} lookups/s | ns/lookup | × find-my-way |` : "";

console.log(`## Route matchers side by side: ${N} routes of bench/github-api.tsv, ${N} requests of bench/github-api.requests\n`);
console.log(`| router | lookups/s | ns/lookup | × find-my-way |${bunHeader}`);
console.log(`| --- | ---: | ---: | ---: |${bun.rows ? " ---: | ---: | ---: |" : ""}`);
for (const row of [native, ...node]) {
  const label = row === native ? row.name : `${row.name} (${runtime})`;
  const bunCells = bun.rows ? ` ${cells(bunByName.get(row.name), fmwRate(bun.rows)).join(" | ")} |` : "";
  console.log(`| ${label} | ${cells(row, fmwRate(node)).join(" | ")} |${bunCells}`);
}
console.log(`
Median of ${repeat} repeat${repeat === 1 ? "" : "s"} of ${seconds} s each, after warm-up; each repeat runs every request of the list in turn, many rounds; wall-clock time.
× find-my-way: lookups per second over find-my-way's in the same runtime (native: over find-my-way in ${runtime}).

What one lookup is:
- hotpath C++: \`match_request\` (method code + target -> route + decoded params), Google Benchmark case GithubApi of build/router_bench, ${native.compiler}.
- router.wasm via JS: method string -> code, target copied byte by byte into Wasm memory, one \`route_request\` call (as WasmRouter does; no reading of the body): build/router.wasm (${readFileSync(`${root}build/router.wasm`).length} bytes), with the same METHOD and PATH lines loaded through \`load_routes\` and static bodies, so no body is rendered.
- find-my-way: \`router.find(method, path)\` (route + decoded params), default tree walk; compile(): the same after \`router.compile()\`.
- Hono: \`router.match(method, path)\` on \`new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] })\`, what \`new Hono()\` uses (all matching handlers + raw params).

Checked before timing: every router sends every request to the same route with the same parameter values.
Mapping: \`*name\` is \`*\` in find-my-way (value in params["*"]) and \`:name{.+}\` in Hono (does not match an empty rest; no request has one). Hono's params are raw, not decoded (its app decodes them later; no request has a percent-escape). Hono runs the first handler registered, not the most specific, so it gets the routes in Hotpath's priority order (static, :param, *, segment by segment).
${rejected.length ? `Hono's RegExpRouter cannot hold this table: added in that order, it refuses ${rejected.length} of ${N} routes with UnsupportedPathError, the first ${rejected[0]} (a :param beside static text that leads on to other routes), so \`new Hono()\` serves it with ${honoRow.name.split(" ").at(-1)}.` : "Hono's RegExpRouter holds the whole table."}
${bun.note ? `${bun.note}\n` : ""}Machine: ${cpus()[0].model}, ${cpus().length} cores; ${runtime}${bun.runtime ? `, ${bun.runtime}` : ""}; ${new Date().toISOString().slice(0, 10)}.`);
