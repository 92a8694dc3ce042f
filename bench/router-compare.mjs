// npm run bench:router — the route matchers side by side, in ns per lookup,
// on four tables, each with its own request list, all in one run:
//
//   GitHub       bench/github-api.tsv (197 GitHub-REST-style routes) and
//                bench/github-api.requests (request i is meant for route i)
//   small        bench/c-core.tsv (the original toolkit's 3 routes), GET /hello/rai
//   constraints  bench/constraints.tsv: constrained parameters and an optional
//                segment (the syntax of issue 16 that find-my-way, rou3 and
//                Hono also hold); bench/constraints.requests
//   segments     bench/segments.tsv: several parameters or static text in a
//                segment, a wildcard with a suffix; bench/segments.requests
//
// On the last two, a peer that cannot express a route, or routes a request
// differently, is listed with the reason instead of timed.
//
// The routers (what one lookup is: method and path in, route and decoded
// parameter values out, reaching JavaScript):
//   hotpath C++          build/router_bench (Google Benchmark): match_request
//   hotpath TypeScript   Router.match (adapters/routing), the default walk,
//                        and again with { compile: true } (generated code)
//   hotpath WasmRouter   WasmRouter.route() on a table of the same METHOD and
//                        PATH lines, then params() when the route has any:
//                        the route index and the decoded values reach
//                        JavaScript as the fetch adapters hand them to a
//                        handler (the parameter record of abi/README.md)
//   router.wasm raw      route_request alone, static bodies: the floor of the
//                        Wasm call as WasmRouter makes it, no answer read
//   find-my-way          find(method, path), and after compile()
//   memoirist            find(method, path)
//   rou3                 findRoute(router, method, path), and compileRouter()
//   @medley/router       find(path) and the method's store
//   Hono                 the router `new Hono()` uses (SmartRouter)
//
// Before timing, every router must send every request to route i with the
// expected parameter values, or the script stops (how each router's syntax
// and priority rules are mapped is said where it is built, and in the
// output). A router that cannot hold a table is listed with the reason. The
// JS rows run in Node and again in Bun (`bun bench/router-compare.mjs --child`).
//   BENCH_REPEAT=5     repeats; the median is reported
//   BENCH_SECONDS=1    seconds per router per repeat
//   BENCH_BUN=0        skip the Bun column
//   BENCH_TABLES=github,small,constraints,segments
//   BENCH_TARGETS=fresh  each target its own string, as node:http's parser
//                        hands req.url; `sliced`: slices of the request
//                        file's text, as `url.slice()` gives on a fetch path
//                        (V8 reads a slice's characters more slowly)
//   BENCH_MEASURE=instructions  x86 instructions per lookup on Node instead of
//                        time (npm run bench:router-instructions): each JS
//                        router runs under valgrind's callgrind twice: about
//                        200,000 lookups after as many warm-up lookups, and
//                        the warm-up alone; the difference over the lookups
//                        is one lookup's cost. It does not move with
//                        the machine's load as time does (a ranking on a busy
//                        machine, not nanoseconds); no Bun or C++ column.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import FindMyWay from "find-my-way";
import { UnsupportedPathError } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import Medley from "@medley/router";
import { Memoirist } from "memoirist";
import { addRoute, createRouter, findRoute } from "rou3";
import { compileRouter } from "rou3/compiler";

import { instructions } from "./suite/callgrind.mjs";
import { envDuration } from "./suite/duration.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const child = process.argv.includes("--child");
const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
const version = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;
const selected = (process.env.BENCH_TABLES ?? "github,small,constraints,segments").split(",");
const targetKind = process.env.BENCH_TARGETS ?? "fresh";
if (targetKind !== "fresh" && targetKind !== "sliced") {
  console.error(`BENCH_TARGETS=${targetKind}: fresh or sliced`);
  process.exit(1);
}
// A string of its own (JSON.parse makes new strings), or the slice split() made.
const asTarget = targetKind === "fresh" ? (text) => JSON.parse(JSON.stringify(text)) : (text) => text;

for (const [file, how] of [
  [`${root}build/router.wasm`, "make wasm"],
  [`${root}dist/adapters/index.js`, "npm run build"],
]) {
  if (!existsSync(file)) {
    console.error(`${file.slice(root.length)} is missing: run \`${how}\`, or \`npm run bench:router\`, which builds first.`);
    process.exit(1);
  }
}
const { Router } = await import(`${root}dist/adapters/routing/router.js`);
const { parseRouteTable } = await import(`${root}dist/adapters/routing/table.js`);
const { parsePattern } = await import(`${root}dist/adapters/routing/pattern.js`);
const { WasmRouter } = await import(`${root}dist/adapters/wasm.js`);

// ---- The tables and the requests ----------------------------------------------

// `intended(routes, request, i)`: the index of the route request i is written for.
// `patterns`: the table uses the syntax of issue 16; a peer that cannot hold
// it is listed rather than timed, and the expected values come with each
// request (METHOD<TAB>TARGET<TAB>VALUE...).
function suite(name, tsvFile, requestLines, intended, patterns = false) {
  const tableText = readFileSync(`${root}${tsvFile}`, "utf8");
  const routes = [];
  tableText.split("\n").forEach((text, at) => {
    if (text === "" || text.startsWith("#")) return;
    const [method, path, , , body = ""] = text.split("\t");
    // An empty HEAD line with a GET twin only declares HEAD (Hotpath's rule): the peers get none.
    if (method === "HEAD" && body === "") return;
    const segments = path.split("/").slice(1);
    if (segments.some((s) => s === "*")) throw new Error(`${tsvFile}:${at + 1}: only named wildcards (*name) are mapped`);
    // Hotpath's priority, segment by segment: static, segment pattern,
    // :param, wildcard pattern, *wildcard.
    const parsed = parsePattern(path);
    const rank = parsed.map((seg) => ({ static: 0, pattern: 1, param: 2, wildcard: seg.pattern ? 3 : 4 })[seg.kind]);
    const names = parsed.flatMap((seg) => seg.names).filter((n) => n !== "");
    routes.push({ method, path, segments, rank, names, line: at + 1 });
  });
  const requests = requestLines.map((text) => {
    const [method, target, ...values] = text.split("\t");
    return { method, target, values };
  });
  // What request i must give: route `want[i]`, and each parameter's decoded value.
  const want = requests.map((r, i) => intended(routes, r, i));
  if (want.some((i) => !(i >= 0 && i < routes.length))) throw new Error(`${name}: a request is meant for no route of ${tsvFile}`);
  return { name, tsvFile, tableText, routes, requests, want, patterns, methods: requests.map((r) => r.method), targets: requests.map((r) => asTarget(r.target)) };
}

function expectedValues(s, i) {
  if (s.patterns) return s.requests[i].values;
  const route = s.routes[s.want[i]];
  const parts = s.targets[i].split("?")[0].split("/").slice(1);
  const values = [];
  route.segments.forEach((seg, k) => {
    if (seg.startsWith(":")) values.push(decodeURIComponent(parts[k]));
    if (seg.startsWith("*")) values.push(decodeURIComponent(parts.slice(k).join("/")));
  });
  return values;
}

const requestsOf = (file) => readFileSync(`${root}${file}`, "utf8").split("\n").filter(Boolean);
const SUITES = [
  suite("GitHub", "bench/github-api.tsv", requestsOf("bench/github-api.requests"), (_, __, i) => i),
  suite("small", "bench/c-core.tsv", ["GET\t/hello/rai"], (routes) => routes.findIndex((r) => r.method === "GET" && r.path === "/hello/:name")),
  suite("constraints", "bench/constraints.tsv", requestsOf("bench/constraints.requests"), (_, __, i) => i, true),
  suite("segments", "bench/segments.tsv", requestsOf("bench/segments.requests"), (_, __, i) => i, true),
].filter((s) => selected.includes(s.name.toLowerCase()));

// A constraint {re} as (re), the syntax of find-my-way and rou3 (braces nest: {[0-9]{4}}).
function parenthesized(path) {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    if (path[i] === "{" && /:[A-Za-z0-9_]+$/.test(out)) {
      let depth = 0;
      let j = i;
      for (; j < path.length; j++) {
        if (path[j] === "{") depth++;
        else if (path[j] === "}" && --depth === 0) break;
      }
      out += `(${path.slice(i + 1, j)})`;
      i = j;
    } else out += path[i];
  }
  return out;
}

// Plain :name and *name only (memoirist, @medley/router).
function plainOnly(s, who) {
  const route = s.routes.find((r) => r.rank.some((k) => k === 1 || k === 3) || r.path.includes("?"));
  if (route) throw new CannotHold(`${who}: no constraints, optional or partial segments (${route.path})`);
}

// ---- The routers ---------------------------------------------------------------
// Each has `lookup(i)` -> [route index, parameter values] for the check, and
// `rounds(n)`: n passes over the request list, the timed loop, written out
// per router so each match call site stays monomorphic. rounds returns the
// number of answers, which the caller checks (and which keeps the work live).
// A router that cannot hold the table throws a CannotHold.

class CannotHold extends Error {}

// Hotpath's TypeScript router on the table as it is (HEAD lines included).
function hotpathTs(s, compile) {
  const byLine = new Map(s.routes.map((r, i) => [r.line, i]));
  const router = new Router(parseRouteTable(s.tableText), { compile });
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name: `hotpath TypeScript Router${compile ? ", compile: true" : ""}`,
    ours: true,
    lookup(i) {
      const match = router.match(methods[i], targets[i]);
      if (match.kind !== "route") return [-1, []];
      const index = byLine.get(match.entry.value.line) ?? -1;
      return [index, s.routes[index].names.map((n) => match.params[n])];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) if (router.match(methods[i], targets[i]).kind === "route") answered++;
      }
      return answered;
    },
  };
}

// WasmRouter.route(), then params() for a route with parameters: the
// route index and the decoded values as JavaScript strings (what the fetch
// adapters hand a handler).
async function hotpathWasm(s) {
  const { instance } = await WebAssembly.instantiate(readFileSync(`${root}build/router.wasm`), {});
  const router = new WasmRouter(instance);
  router.loadRoutes(s.routes.map((r, i) => `${r.method}\t${r.path}\t200\ttext/plain\t${i}`).join("\n"));
  const { methods, targets } = s;
  const N = targets.length;
  const names = s.routes.map((r) => r.names);
  return {
    name: "hotpath WasmRouter.route() + params()",
    ours: true,
    lookup(i) {
      const answer = router.route(methods[i], targets[i]);
      if (answer.status !== 200) return [-1, []];
      const params = answer.paramCount === 0 ? {} : router.params(answer.route);
      return [answer.route, names[answer.route].map((n) => params[n])];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) {
          const answer = router.route(methods[i], targets[i]);
          if (answer.status === 200 && (answer.paramCount === 0 || router.params(answer.route) !== null)) answered++;
        }
      }
      return answered;
    },
  };
}

const METHOD_CODES = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 }; // abi/README.md

// route_request alone: the Wasm call as WasmRouter makes it, nothing read back.
async function rawWasm(s) {
  const { instance } = await WebAssembly.instantiate(readFileSync(`${root}build/router.wasm`), {});
  const abi = instance.exports;
  const encoder = new TextEncoder();
  const text = new TextDecoder();
  let input = 0;
  function load(lines) {
    const bytes = encoder.encode(lines.join("\n"));
    const ptr = abi.alloc(bytes.length);
    new Uint8Array(abi.memory.buffer).set(bytes, ptr);
    if (abi.load_routes(ptr, bytes.length) !== 0) throw new Error("router.wasm refused the derived table");
    input = abi.alloc(64 * 1024); // an alloc buffer lasts until the next alloc: take it back for targets
  }
  let bytes = new Uint8Array(abi.memory.buffer);
  const codes = s.methods.map((m) => METHOD_CODES[m]);
  const { targets } = s;
  const N = targets.length;
  function route(i) {
    if (bytes.length === 0) bytes = new Uint8Array(abi.memory.buffer);
    const target = targets[i];
    const length = target.length;
    for (let c = 0; c < length; c++) bytes[input + c] = target.charCodeAt(c);
    return abi.route_request(codes[i], input, length);
  }
  load(s.routes.map((r, i) => `${r.method}\t${r.path}\t200\ttext/plain\t${i}${r.names.map((n) => `\\n{${n}}`).join("")}`));
  const checked = targets.map((_, i) => {
    route(i);
    const [ptr, len] = new Uint32Array(abi.memory.buffer, abi.response_record(), 2);
    const [index, ...values] = text.decode(new Uint8Array(abi.memory.buffer, ptr, len)).split("\n");
    return [Number(index), values];
  });
  load(s.routes.map((r, i) => `${r.method}\t${r.path}\t200\ttext/plain\t${i}`));
  return {
    name: "router.wasm raw route_request (no answer read)",
    lookup: (i) => checked[i],
    floor: true,
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (route(i) === 200) answered++;
      return answered;
    },
  };
}

// *name -> * (find-my-way's wildcard is unnamed; its value is params["*"]).
// The store is { index } because find-my-way turns a falsy store into null.
// Constraints {re} -> (re); a wildcard with a suffix cannot be written.
function findMyWay(s, compiled) {
  const router = FindMyWay();
  const name = `find-my-way ${version("find-my-way")}${compiled ? " compile()" : ""}`;
  for (const r of s.routes) if (/\*\w*[^\w/]/.test(r.path)) throw new CannotHold(`${name}: a wildcard is the last character of a path (${r.path})`);
  s.routes.forEach((r, index) => router.on(r.method, parenthesized(r.path).replace(/\*\w+$/, "*"), () => {}, { index }));
  if (compiled) router.compile();
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name,
    lookup(i) {
      const found = router.find(methods[i], targets[i]);
      if (found === null) return [-1, []];
      const route = s.routes[found.store.index];
      return [found.store.index, route.names.map((n) => found.params[route.path.endsWith(`/*${n}`) ? "*" : n])];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (router.find(methods[i], targets[i]) !== null) answered++;
      return answered;
    },
  };
}

// memoirist: one tree per method; *name -> * (value in params["*"]).
function memoirist(s) {
  plainOnly(s, `memoirist ${version("memoirist")}`);
  const router = new Memoirist();
  s.routes.forEach((r, index) => router.add(r.method, r.path.replace(/\*\w+$/, "*"), index));
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name: `memoirist ${version("memoirist")}`,
    lookup(i) {
      const found = router.find(methods[i], targets[i]);
      if (found === null) return [-1, []];
      const route = s.routes[found.store];
      return [found.store, route.names.map((n) => found.params[route.path.endsWith(`/*${n}`) ? "*" : n])];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (router.find(methods[i], targets[i]) !== null) answered++;
      return answered;
    },
  };
}

// rou3: *name -> **:name (a named catch-all); {re} -> (re); *name.css ->
// *.css, its value in params["0"] (one segment in rou3: the requests have one).
const rou3Path = (path) => parenthesized(path).replace(/\*(\w+)$/, "**:$1").replace(/\*\w*(?=[^\w/])/, "*");
const rou3Value = (route, params, n) => (/\*\w*[^\w/]/.test(route.path) && route.path.includes(`*${n}`) ? params?.["0"] : params?.[n]);
function rou3(s, compiled) {
  const router = createRouter();
  s.routes.forEach((r, index) => addRoute(router, r.method, rou3Path(r.path), index));
  const find = compiled ? compileRouter(router) : (method, path) => findRoute(router, method, path);
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name: `rou3 ${version("rou3")} ${compiled ? "compileRouter()" : "findRoute"}`,
    lookup(i) {
      const found = find(methods[i], targets[i]);
      if (found === undefined) return [-1, []];
      const route = s.routes[found.data];
      return [found.data, route.names.map((n) => rou3Value(route, found.params, n))];
    },
    rounds: compiled
      ? (n) => {
          let answered = 0;
          for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (find(methods[i], targets[i]) !== undefined) answered++;
          return answered;
        }
      : (n) => {
          let answered = 0;
          for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (findRoute(router, methods[i], targets[i]) !== undefined) answered++;
          return answered;
        },
  };
}

// @medley/router: one store per path, methods on it; *name -> *. It refuses
// two parameter names at one place of the tree (:sha and :ref), so each
// parameter is named by its segment index (p3) and read back by position.
function medley(s) {
  plainOnly(s, `@medley/router ${version("@medley/router")}`);
  const router = new Medley();
  const positional = (path) => path.split("/").map((seg, k) => (seg.startsWith(":") ? `:p${k}` : seg.startsWith("*") ? "*" : seg)).join("/");
  s.routes.forEach((r, index) => {
    const store = router.register(positional(r.path));
    store[r.method] = index;
  });
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name: `@medley/router ${version("@medley/router")}`,
    lookup(i) {
      const found = router.find(targets[i]);
      const index = found === null ? undefined : found.store[methods[i]];
      if (index === undefined) return [-1, []];
      const route = s.routes[index];
      return [index, route.segments.flatMap((seg, k) => (seg.startsWith(":") ? [found.params[`p${k + 1}`]] : seg.startsWith("*") ? [found.params["*"]] : []))];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < N; i++) {
          const found = router.find(targets[i]);
          if (found !== null && found.store[methods[i]] !== undefined) answered++;
        }
      }
      return answered;
    },
  };
}

// Hono answers with every matching handler in registration order and its app
// runs the first, where Hotpath and find-my-way take the most specific route;
// so Hono gets the routes in Hotpath's priority order (static before :param
// before *, segment by segment). *name -> :name{.+} (a named catch-all; it
// does not match an empty rest, which no request of the lists has).
function honoOrder(s) {
  const compareRank = (a, b) => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  };
  return s.routes.map((_, i) => i).sort((a, b) => compareRank(s.routes[a].rank, s.routes[b].rank) || a - b);
}
const honoPath = (path) => path.replace(/\*(\w+)$/, ":$1{.+}");

function regExpRouterRejects(s) {
  const router = new RegExpRouter();
  const rejected = [];
  for (const i of honoOrder(s)) {
    try {
      router.add(s.routes[i].method, honoPath(s.routes[i].path), i);
    } catch (error) {
      if (!(error instanceof UnsupportedPathError) && !s.patterns) throw error;
      rejected.push(`${s.routes[i].method} ${s.routes[i].path}`);
    }
  }
  return rejected;
}

function hono(s) {
  const router = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
  for (const i of honoOrder(s)) router.add(s.routes[i].method, honoPath(s.routes[i].path), i);
  router.match("GET", "/"); // SmartRouter settles on the first router that takes every route
  const { methods, targets } = s;
  const N = targets.length;
  return {
    name: `Hono ${version("hono")} ${router.activeRouter.name}`,
    lookup(i) {
      // RegExpRouter: [[handler, {name: stash index}][], stash]; TrieRouter: [[handler, {name: value}][]].
      const [handlers, stash] = router.match(methods[i], targets[i]);
      if (handlers.length === 0) return [-1, []];
      const [index, params] = handlers[0];
      return [index, s.routes[index].names.map((n) => (stash ? stash[params[n]] : params[n]))];
    },
    rounds(n) {
      let answered = 0;
      for (let r = 0; r < n; r++) for (let i = 0; i < N; i++) if (router.match(methods[i], targets[i])[0].length !== 0) answered++;
      return answered;
    },
  };
}

// ---- Checking and timing -------------------------------------------------------

function check(s, name, lookup, peer = false) {
  const wrong = [];
  for (let i = 0; i < s.targets.length; i++) {
    const [index, values] = lookup(i);
    const want = expectedValues(s, i);
    if (index !== s.want[i] || JSON.stringify(values) !== JSON.stringify(want)) {
      const route = s.routes[s.want[i]];
      const got = index < 0 ? "no route" : `${s.routes[index].method} ${s.routes[index].path} ${JSON.stringify(values)}`;
      wrong.push(`  ${s.methods[i]} ${s.targets[i]}: want ${route.method} ${route.path} ${JSON.stringify(want)}, got ${got}`);
    }
  }
  if (wrong.length > 0) {
    // On the pattern tables a peer may read the syntax its own way: listed, not timed.
    if (peer && s.patterns) throw new CannotHold(`${name}: routes ${wrong.length} of ${s.targets.length} requests differently (${wrong[0].trim()})`);
    console.error(`${name} routes ${wrong.length} of ${s.targets.length} requests of the ${s.name} table differently:\n${wrong.slice(0, 10).join("\n")}`);
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

function timed(router, batch, ms, N) {
  let lookups = 0;
  const start = performance.now();
  let now = start;
  do {
    if (router.rounds(batch) !== batch * N) throw new Error(`${router.name}: a request went unanswered while timing`);
    lookups += batch * N;
    now = performance.now();
  } while (now - start < ms);
  return ((now - start) * 1e6) / lookups;  // ns per lookup
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm-up (the JIT tiers up), then `repeat` repeats interleaved across the
// routers so that noise on a shared machine spreads over all of them.
function measure(s, routers) {
  const N = s.targets.length;
  // Long enough for V8 to optimise big generated functions too.
  const batches = routers.map((r) => {
    timed(r, calibrate(r), 3000, N);
    return calibrate(r);
  });
  const ns = routers.map(() => []);
  for (let k = 0; k < repeat; k++) routers.forEach((r, j) => ns[j].push(timed(r, batches[j], seconds * 1000, N)));
  return routers.map((r, j) => ({ name: r.name, ours: r.ours === true, floor: r.floor === true, ns: median(ns[j]) }));
}

// Every JS router, in the order of the rows.
function buildersOf(s) {
  return [
    () => hotpathTs(s, false),
    () => hotpathTs(s, true),
    () => hotpathWasm(s),
    () => rawWasm(s),
    () => memoirist(s),
    () => rou3(s, false),
    () => rou3(s, true),
    () => medley(s),
    () => findMyWay(s, false),
    () => findMyWay(s, true),
    () => hono(s),
  ];
}

async function jsRows(s) {
  const routers = [];
  const refused = [];
  for (const build of buildersOf(s)) {
    try {
      const router = await build();
      check(s, `${router.name} (${runtime})`, router.lookup, router.ours !== true && router.floor !== true);
      routers.push(router);
    } catch (error) {
      refused.push(error.message.split("\n")[0]);
    }
  }
  return { rows: measure(s, routers), refused };
}

// ---- Instructions per lookup (BENCH_MEASURE=instructions) ----------------------

// Passes over a table's requests: about 200,000 lookups, warm-up and counted alike.
const roundsOf = (s) => Math.ceil(200_000 / s.targets.length);

// The child under callgrind: router-compare.mjs --count SUITE INDEX COUNTED
if (process.argv[2] === "--count") {
  const [, , , suiteName, index, counted] = process.argv;
  const s = SUITES.find((x) => x.name === suiteName);
  const router = await buildersOf(s)[Number(index)]();
  check(s, router.name, router.lookup, false);
  const n = roundsOf(s);
  const N = s.targets.length;
  if (router.rounds(n) !== n * N) throw new Error(`${router.name}: a request went unanswered`);
  if (counted === "1" && router.rounds(n) !== n * N) throw new Error(`${router.name}: a request went unanswered`);
  process.exit(0);
}

if (process.env.BENCH_MEASURE === "instructions" && !child) {
  const self = fileURLToPath(import.meta.url);
  // --single-threaded: no background compilation, whose timing makes the
  // generated code (and the counts) vary between runs.
  const count = (s, index, counted) =>
    instructions(process.execPath, ["--single-threaded", self, "--count", s.name, String(index), counted], {
      valgrindArgs: ["--smc-check=all"],
      label: `${s.name} router ${index}`,
    });
  for (const s of SUITES) {
    const rows = [];
    const refused = [];
    const builders = buildersOf(s);
    for (let index = 0; index < builders.length; index++) {
      let router;
      try {
        router = await builders[index]();
        check(s, router.name, router.lookup, router.ours !== true && router.floor !== true);
      } catch (error) {
        refused.push(error.message.split("\n")[0]);
        continue;
      }
      // The two runs of one router at once (this machine has 2 cores or more; counts do not depend on it).
      const [withLookups, without] = await Promise.all([count(s, index, "1"), count(s, index, "0")]);
      rows.push({ name: router.name, ours: router.ours === true, floor: router.floor === true, per: (withLookups - without) / (roundsOf(s) * s.targets.length) });
    }
    const peer = Math.min(...rows.filter((r) => !r.ours && !r.floor).map((r) => r.per));
    console.log(`\n## ${s.name} table: ${s.tsvFile}, ${s.targets.length} request${s.targets.length === 1 ? "" : "s"}\n`);
    console.log(`| router | Node ${process.versions.node} instructions/lookup | × fastest peer |\n| --- | ---: | ---: |`);
    for (const r of rows) console.log(`| ${r.ours ? `**${r.name}**` : r.name} | ${Math.round(r.per)} | ${(r.per / peer).toFixed(2)} |`);
    for (const why of refused) console.log(`\nNot counted: ${why}`);
  }
  console.log(`\nx86 instructions per lookup, callgrind, node --single-threaded, ${SUITES.map((s) => `${roundsOf(s)} passes over ${s.name}`).join(", ")} after as many warm-up passes (difference against a run without them); targets BENCH_TARGETS=${targetKind}. Instructions are not time: they rank routers on a busy machine.`);
  process.exit(0);
}

if (child) {
  const out = {};
  for (const s of SUITES) out[s.name] = await jsRows(s);
  console.log(JSON.stringify({ runtime, suites: out }));
  process.exit(0);
}

// ---- Native: build/router_bench -----------------------------------------------

const benchBinary = `${root}build/router_bench`;
if (!existsSync(benchBinary)) {
  console.error("build/router_bench is missing: run `make build` (needs libbenchmark-dev: make bootstrap), or `npm run bench:router`.");
  process.exit(1);
}

function nativeRow(s) {
  const filter = { GitHub: "GithubApi", small: "HelloRai", constraints: "Constraints", segments: "Segments" }[s.name];
  if (s.name !== "small") {
    const lineToIndex = new Map(s.routes.map((r, i) => [r.line, i]));
    const printed = execFileSync(benchBinary, ["--print-matches", s.tsvFile.slice("bench/".length, -".tsv".length)], { encoding: "utf8", stdio: "pipe" }).trimEnd().split("\n");
    check(s, "hotpath C++ (build/router_bench)", (i) => {
      const [line, ...values] = (printed[i] ?? "0").split("\t");
      return [lineToIndex.get(Number(line)) ?? -1, values];
    });
  }
  const json = execFileSync(
    benchBinary,
    [`--benchmark_filter=^${filter}$`, `--benchmark_repetitions=${repeat}`, "--benchmark_report_aggregates_only=true",
     `--benchmark_min_time=${seconds}`, "--benchmark_format=json"],
    { encoding: "utf8" },
  );
  const runs = JSON.parse(json).benchmarks;
  const result = runs.find((b) => b.aggregate_name === "median") ?? runs.find((b) => b.run_type === "iteration");
  // Wall-clock time, as for the JS rows. One iteration = every request once.
  const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[result.time_unit];
  return { name: "hotpath C++ match_request (native)", native: true, ns: (result.real_time * unit) / s.targets.length };
}

function bunRows() {
  const bun = `${root}node_modules/.bin/bun`;
  if (process.env.BENCH_BUN === "0") return { note: "Bun column skipped (BENCH_BUN=0)" };
  if (!existsSync(bun)) return { note: "Bun column skipped: node_modules/.bin/bun not found (npm ci)" };
  const out = execFileSync(bun, [fileURLToPath(import.meta.url), "--child"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out);
}

const node = {};
for (const s of SUITES) node[s.name] = { ...(await jsRows(s)), native: nativeRow(s) };
const bun = bunRows();

// ---- Output --------------------------------------------------------------------

const cpp = readFileSync(`${root}build/CMakeCache.txt`, "utf8");
const setting = (key) => cpp.match(new RegExp(`^${key}:[A-Z]+=(.*)$`, "m"))?.[1] ?? "";
const compiler = execFileSync(setting("CMAKE_CXX_COMPILER"), ["--version"], { encoding: "utf8" }).split("\n")[0];
const fastestPeer = (rows) => Math.min(...rows.filter((r) => !r.ours && !r.floor).map((r) => r.ns));

for (const s of SUITES) {
  const n = node[s.name];
  const b = bun.suites?.[s.name];
  const nodePeer = fastestPeer(n.rows);
  const bunPeer = b ? fastestPeer(b.rows) : null;
  const bunByName = new Map((b?.rows ?? []).map((r) => [r.name, r]));
  const what = s.name !== "small" ? `${s.routes.length} routes of ${s.tsvFile}, the ${s.targets.length} requests of ${s.tsvFile.replace(/\.tsv$/, ".requests")} in turn` : `${s.tsvFile}, ${s.requests.map((r) => `${r.method} ${r.target}`).join(", ")}`;
  console.log(`\n## ${s.name} table: ${what}\n`);
  console.log(`| router | ${runtime} ns/lookup | × fastest peer |${b ? ` ${bun.runtime} ns/lookup | × fastest peer |` : ""}`);
  console.log(`| --- | ---: | ---: |${b ? " ---: | ---: |" : ""}`);
  const cell = (row, peer) => (row ? `${row.ns.toFixed(1)} | ${Number.isFinite(peer) ? (row.ns / peer).toFixed(2) : "—"}` : "— | —");
  console.log(`| ${n.native.name} | ${cell(n.native, nodePeer)} |${b ? " — | — |" : ""}`);
  for (const row of n.rows) {
    const label = row.ours ? `**${row.name}**` : row.name;
    console.log(`| ${label} | ${cell(row, nodePeer)} |${b ? ` ${cell(bunByName.get(row.name), bunPeer)} |` : ""}`);
  }
  const refused = [...new Set([...n.refused, ...(b?.refused ?? [])])];
  if (refused.length) console.log(`\nCannot hold this table: ${refused.join("; ")}`);
  const rejected = regExpRouterRejects(s);
  if (rejected.length) {
    const honoRow = n.rows.find((r) => r.name.startsWith("Hono"));
    if (honoRow) console.log(`\nHono's RegExpRouter refuses ${rejected.length} of ${s.routes.length} routes (the first: ${rejected[0]}), so \`new Hono()\` serves this table with ${honoRow.name.split(" ").at(-1)}.`);
  }
}
console.log(`
Median of ${repeat} repeat${repeat === 1 ? "" : "s"} of ${seconds} s each, after warm-up, routers interleaved; wall-clock ns per lookup.
× fastest peer: ns per lookup over the fastest router that is not Hotpath's in the same runtime (below 1.00 is faster); the raw route_request row is a floor, not a peer.
Checked before timing: every router sends every request to the same route with the same parameter values.
Targets (BENCH_TARGETS=${targetKind}): ${targetKind === "fresh" ? "each its own string, as node:http hands req.url" : "slices of the request file's text, as url.slice() gives on a fetch path"}; every router gets the same strings.
Mapping: \`*name\` is \`*\` in find-my-way, memoirist and @medley/router, \`**:name\` in rou3, \`:name{.+}\` in Hono; a constraint \`{re}\` is \`(re)\` in find-my-way and rou3 (the same in Hono), \`*name.css\` is \`*.css\` in rou3. @medley/router names parameters by position (it refuses two names at one place). Hono's params are raw (no request here has an escape). Hotpath's TypeScript router loads the table as it is; the peers get its GET/POST/... lines (an empty HEAD line is only a declaration).
hotpath C++: ${compiler}; router.wasm ${readFileSync(`${root}build/router.wasm`).length} bytes.
${bun.note ? `${bun.note}\n` : ""}Machine: ${cpus()[0].model}, ${cpus().length} cores; ${runtime}${bun.runtime ? `, ${bun.runtime}` : ""}; ${new Date().toISOString().slice(0, 10)}.`);
