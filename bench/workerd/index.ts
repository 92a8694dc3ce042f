/**
 * The in-workerd benchmark Worker (bench/workerd.mjs bundles it with
 * wrangler and serves it with `workerd serve`): it times implementations
 * in-process, inside the runtime Workers really run.
 *
 * Inside workerd the clock moves only across I/O (Spectre mitigation), so a
 * batch is timed between two awaited timers, the time those cost is measured
 * by empty batches and taken off, and a batch whose clock did not move is an
 * error rather than a zero.
 *
 *   GET /targets                      the target names
 *   GET /run?target=NAME&n=N          one timed batch of N calls: {ms}
 *   GET /run?target=empty&n=0         an empty batch (the timers alone)
 */
import wasmModule from "../../build/router.wasm";
import table from "../c-core.tsv";
import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { HotpathServer } from "../../adapters/index.js";
import { createFastWasmFetch, WasmRouter } from "../../adapters/wasm.js";
import { Router } from "../../adapters/routing/router.js";
import { parseRouteTable } from "../../adapters/routing/table.js";

const NAMES = 1000;
const urls = Array.from({ length: NAMES }, (_, i) => `http://bench.local/hello/user${i}`);
const paths = Array.from({ length: NAMES }, (_, i) => `/hello/user${i}`);

const hono = new Hono();
hono.get("/", (c) => c.text("ok"));
hono.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
hono.get("/json", (c) => c.json({ ok: true }));

const handlerApp = new HotpathServer()
  .get("/", (c) => c.text("ok"))
  .get("/hello/:name", (c) => c.text(`hello ${c.params.name}`))
  .get("/json", (c) => c.json({ ok: true }));
const templateApp = HotpathServer.fromRouteTable(table);
const uncached = createFastWasmFetch({ instance: new WebAssembly.Instance(wasmModule, {}), cache: false });
const cached = createFastWasmFetch({ instance: new WebAssembly.Instance(wasmModule, {}), cache: { maxEntries: 2048 } });

const honoRouter = new RegExpRouter<number>();
honoRouter.add("GET", "/", 0);
honoRouter.add("GET", "/hello/:name", 1);
honoRouter.add("GET", "/json", 2);
const wasmRouter = new WasmRouter(new WebAssembly.Instance(wasmModule, {}));
const tsRouter = new Router(parseRouteTable(table));

type Fetch = (request: Request) => Response | Promise<Response>;
type Match = (path: string) => unknown;

const fetchTargets: Record<string, Fetch> = {
  "ceiling: new Response(text)": () => new Response("hello rai"),
  "Hono app.fetch": (request) => hono.fetch(request),
  "HotpathServer, handler": handlerApp.fetch,
  "HotpathServer, template()": templateApp.fetch,
  "createFastWasmFetch, cache: false": uncached.fetch,
  "createFastWasmFetch, cached": cached.fetch,
};
const matchTargets: Record<string, Match> = {
  "match: Hono RegExpRouter": (path) => honoRouter.match("GET", path),
  "match: WasmRouter.route()": (path) => wasmRouter.route("GET", path).status,
  "match: TypeScript Router": (path) => tsRouter.match("GET", path),
};

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function batch(name: string, n: number): Promise<number> {
  const fetchTarget = fetchTargets[name];
  const matchTarget = matchTargets[name];
  if (name !== "empty" && fetchTarget === undefined && matchTarget === undefined) throw new Error(`unknown target ${name}`);
  await tick();
  const start = performance.now();
  if (fetchTarget !== undefined) {
    for (let i = 0; i < n; i++) {
      const response = await fetchTarget(new Request(urls[i % NAMES]!));
      await response.text();
    }
  } else if (matchTarget !== undefined) {
    let sink = 0;
    for (let i = 0; i < n; i++) if (matchTarget(paths[i % NAMES]!) !== null) sink++;
    if (sink !== n) throw new Error(`${name}: a path did not match`);
  }
  await tick();
  return performance.now() - start;
}

async function check(): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, target] of Object.entries(fetchTargets)) {
    const response = await target(new Request(urls[7]!));
    const body = await response.text();
    const expected = name.startsWith("ceiling") ? "hello rai" : "hello user7";
    if (response.status !== 200 || body !== expected) problems.push(`${name}: ${response.status} ${JSON.stringify(body)}`);
  }
  return problems;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/targets") {
      const problems = await check();
      if (problems.length > 0) return Response.json({ problems }, { status: 500 });
      return Response.json({ fetch: Object.keys(fetchTargets), match: Object.keys(matchTargets) });
    }
    if (url.pathname === "/run") {
      const name = url.searchParams.get("target") ?? "";
      const n = Number(url.searchParams.get("n") ?? "0");
      try {
        const ms = await batch(name, n);
        // A batch whose clock did not move is no measurement (an empty one may take under a tick).
        if (n > 0 && !(ms > 0)) return Response.json({ error: `the clock did not move over ${n} calls (${ms} ms)` }, { status: 500 });
        return Response.json({ ms });
      } catch (error) {
        return Response.json({ error: String(error) }, { status: 500 });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
