// npm run bench:workers-call — in-process fetch(request) calls per second, the
// way a Worker runtime calls a Worker's fetch handler, under this runtime
// (node or bun). Side by side in one run:
//   trivial        () => new Response("hello rai"): the ceiling
//   trivial + type the same with a Content-Type header, which every real
//                  answer needs (and which costs a lot per Response in Bun)
//   hono           Hono with the same three routes as bench/c-core.tsv
//   wasm uncached  createFastWasmFetch({ cache: false }): one Wasm call each
//   wasm cached    createFastWasmFetch, LRU of 2048 entries: all hits
//   wasm cached, one path   the original toolkit's measurement (one repeated
//                  path: only cache hits); kept for comparison
// Each call builds a Request for one of 1,000 rotating /hello/<name> paths,
// calls the handler and reads the body as text.
//   BENCH_SECONDS=1  BENCH_REPEAT=5  NAMES=1000  WASM=build/router.wasm
// WASM may name several modules ([name=]path, bench/wasm-modules.mjs): each
// gets its three wasm rows, suffixed with its name, in the same run.
import { readFileSync } from "node:fs";
import { Hono } from "hono";

import { createFastWasmFetch } from "../dist/adapters/wasm.js";
import { envDuration } from "./suite/duration.mjs";
import { wasmModules } from "./wasm-modules.mjs";

const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const names = Number(process.env.NAMES ?? 1000);
const runtime = typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.versions.node}`;

const modules = wasmModules().map((m) => ({ ...m, module: new WebAssembly.Module(readFileSync(m.path)) }));
const urls = Array.from({ length: names }, (_, i) => `http://bench.local/hello/user${i}`);

const textType = { "content-type": "text/plain; charset=utf-8" };
const hono = new Hono();
hono.get("/", (c) => c.text("ok"));
hono.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
hono.get("/json", (c) => c.json({ ok: true }));

const targets = [
  ["trivial", (_request) => new Response("hello rai"), urls],
  ["trivial + type", (_request) => new Response("hello rai", { headers: textType }), urls],
  ["hono", (request) => hono.fetch(request), urls],
  ...modules.flatMap(({ name, module }) => {
    const suffix = modules.length > 1 ? ` (${name})` : "";
    const instance = () => new WebAssembly.Instance(module, {});
    return [
      [`wasm uncached${suffix}`, createFastWasmFetch({ instance: instance(), cache: false }).fetch, urls],
      [`wasm cached${suffix}`, createFastWasmFetch({ instance: instance(), cache: { maxEntries: 2048 } }).fetch, urls],
      [`wasm cached, one path${suffix}`, createFastWasmFetch({ instance: instance() }).fetch, [urls[0]]],
    ];
  }),
];

async function check(name, handler) {
  const response = await handler(new Request(urls[7]));
  const body = await response.text();
  const expected = name.startsWith("trivial") ? "hello rai" : "hello user7";
  if (response.status !== 200 || body !== expected) throw new Error(`${name}: ${response.status} ${body}`);
}

async function rate(handler, list) {
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) {
      const response = await handler(new Request(list[(calls + i) % list.length]));
      await response.text();
    }
    calls += 1000;
  }
  return calls / seconds;
}

const results = new Map(targets.map(([name]) => [name, []]));
for (const [name, handler, list] of targets) {
  await check(name, handler);
  await rate(handler, list);  // warm-up (and fills the caches)
}
// Interleave the targets so drift in machine speed hits all of them alike.
for (let r = 0; r < repeat; r++) {
  for (const [name, handler, list] of targets) results.get(name).push(await rate(handler, list));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const trivial = median(results.get("trivial"));
const honoRate = median(results.get("hono"));
console.log(`in-process fetch calls per second, ${runtime}, median of ${repeat} x ${seconds}s, ${names} rotating paths`);
console.log(`${modules.map((m) => `${m.name === m.path ? "" : `${m.name}: `}${m.path}`).join(", ")}\n`);
console.log("| handler | calls/s | vs trivial | vs hono |\n| --- | ---: | ---: | ---: |");
for (const [name] of targets) {
  const m = median(results.get(name));
  console.log(`| ${name} | ${Math.round(m).toLocaleString("en-US")} | ${(m / trivial).toFixed(2)} | ${(m / honoRate).toFixed(2)} |`);
}
