// npm run bench:fetch (and bench:workers-call) — in-process fetch(request)
// calls, the way a runtime calls a Worker's or Bun's fetch handler: each call
// builds a Request for one of 1,000 rotating /hello/<name> paths, calls the
// handler, awaits the Response and reads its body as text. Side by side in
// one run, in Node and in Bun:
//
//   ceiling                  () => new Response("hello rai"): the floor of a call
//   ceiling + type           the same with the Content-Type every real answer needs
//   Hono                     app.fetch, c.text(`hello ${c.req.param("name")}`)
//   Elysia                   app.handle, ({ params }) => `hello ${params.name}`
//   itty-router              router.fetch, a Response with the Content-Type
//   HotpathServer, handler   (c) => c.text(`hello ${c.params.name}`)
//   HotpathServer, template  template("hello {name}")
//   createFastWasmFetch      router.wasm, cache: false and cached (LRU of 2,048)
//
// Every target is checked first: 200, "hello user7" for /hello/user7. Each
// measurement runs in a fresh process (`--target NAME`: check, warm up,
// time), so no target's code is optimised for another's; repeats go round
// the targets in turn, so drift in machine speed hits every target alike.
//   BENCH_SECONDS=1 (or 1s)  BENCH_REPEAT=5  NAMES=1000  BENCH_BUN=0 (skip Bun)  WASM=build/router.wasm
//
// BENCH_MEASURE=instructions (npm run bench:fetch-instructions): x86
// instructions per call instead of time, from valgrind's callgrind. Each
// target runs twice in each runtime, both after BENCH_WARMUP (50,000) calls,
// one then making BENCH_CALLS (100,000) more; the difference over those
// calls is one call's instructions. They do not move with the machine's
// load as times do (this VM's speed moves by a third within an hour), so
// they rank targets whose times are within noise of each other. Bun only
// (about a minute a run, most of it starting up under valgrind): on Node,
// undici's Request and Response are most of a call's 250,000 instructions
// and their garbage makes the count move. Bun runs without concurrent JIT
// (BUN_JSC_useConcurrentJIT=0): compiling in the background makes the
// counts vary with when it finished.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { Elysia } from "elysia";
import { Hono } from "hono";
import { Router as IttyRouter } from "itty-router";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const [file, how] of [
  [`${root}dist/adapters/index.js`, "npm run build"],
  [`${root}build/router.wasm`, "make wasm"],
]) {
  if (!existsSync(file)) {
    console.error(`${file.slice(root.length)} is missing: run \`${how}\` (npm run bench:fetch builds first).`);
    process.exit(1);
  }
}
const { HotpathServer, template } = await import(`${root}dist/adapters/index.js`);
const { createFastWasmFetch } = await import(`${root}dist/adapters/wasm.js`);

const { envDuration } = await import("./suite/duration.mjs");
const { instructions } = await import("./suite/callgrind.mjs");
const { wasmModules } = await import("./wasm-modules.mjs");
const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const names = Number(process.env.NAMES ?? 1000);
const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
const version = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;

// Elysia reads the path from a fixed offset of the URL, past "http://" and a
// host of four or more characters: "bench.local" keeps every target correct.
const urls = Array.from({ length: names }, (_, i) => `http://bench.local/hello/user${i}`);
const TEXT = "text/plain; charset=utf-8";

const hono = new Hono();
hono.get("/", (c) => c.text("ok"));
hono.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
hono.get("/json", (c) => c.json({ ok: true }));

const elysia = new Elysia()
  .get("/", () => "ok")
  .get("/hello/:name", ({ params }) => `hello ${params.name}`)
  .get("/json", () => ({ ok: true }));

const itty = IttyRouter();
itty.get("/", () => new Response("ok", { headers: { "content-type": TEXT } }));
itty.get("/hello/:name", ({ params }) => new Response(`hello ${params.name}`, { headers: { "content-type": TEXT } }));
itty.get("/json", () => Response.json({ ok: true }));

const handlerApp = new HotpathServer()
  .get("/", (c) => c.text("ok"))
  .get("/hello/:name", (c) => c.text(`hello ${c.params.name}`))
  .get("/json", (c) => c.json({ ok: true }));
const templateApp = HotpathServer.fromRouteTable(readFileSync(`${root}bench/c-core.tsv`, "utf8"));

// WASM=[name=]path... (bench/wasm-modules.mjs): each module gets its two
// createFastWasmFetch rows, suffixed with its name when there are several.
const wasmBuilds = wasmModules().map((m) => ({ ...m, module: new WebAssembly.Module(readFileSync(m.path)) }));
const typeHeaders = { "content-type": TEXT };

const targets = [
  { name: "ceiling: new Response(text)", ceiling: true, fetch: () => new Response("hello rai") },
  { name: "ceiling + Content-Type", ceiling: true, fetch: () => new Response("hello rai", { headers: typeHeaders }) },
  { name: `Hono ${version("hono")}`, peer: "hono", fetch: (request) => hono.fetch(request) },
  { name: `Elysia ${version("elysia")} app.handle`, peer: "elysia", fetch: (request) => elysia.handle(request) },
  { name: `itty-router ${version("itty-router")}`, peer: "itty", fetch: (request) => itty.fetch(request) },
  { name: "HotpathServer, handler", ours: true, fetch: handlerApp.fetch },
  { name: "HotpathServer, template()", ours: true, fetch: templateApp.fetch },
  ...wasmBuilds.flatMap(({ name, module }) => {
    const suffix = wasmBuilds.length > 1 ? ` (${name})` : "";
    return [
      { name: `createFastWasmFetch, cache: false${suffix}`, ours: true, fetch: createFastWasmFetch({ instance: new WebAssembly.Instance(module, {}), cache: false }).fetch },
      { name: `createFastWasmFetch, cached${suffix}`, ours: true, fetch: createFastWasmFetch({ instance: new WebAssembly.Instance(module, {}), cache: { maxEntries: 2048 } }).fetch },
    ];
  }),
];

async function check(target) {
  const response = await target.fetch(new Request(urls[7]));
  const body = await response.text();
  const expected = target.ceiling ? "hello rai" : "hello user7";
  if (response.status !== 200 || body !== expected) throw new Error(`${target.name}: ${response.status} ${JSON.stringify(body)}`);
  target.contentType = response.headers.get("content-type");
}

// Calls per second over `seconds`, in batches of 1,000 between clock reads.
async function rate(handler) {
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1000; i++) {
      const response = await handler(new Request(urls[(calls + i) % names]));
      await response.text();
    }
    calls += 1000;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

// A fixed number of calls (the instruction count's unit), as rate() makes them.
async function calls(handler, count) {
  for (let i = 0; i < count; i++) {
    const response = await handler(new Request(urls[i % names]));
    await response.text();
  }
}

const countArg = process.argv.indexOf("--count");
if (countArg > 0) {
  const target = targets.find((t) => t.name === process.argv[countArg + 1]);
  if (target === undefined) throw new Error(`unknown target ${process.argv[countArg + 1]}`);
  await check(target);
  await calls(target.fetch, Number(process.argv[countArg + 2]));  // warm-up
  await calls(target.fetch, Number(process.argv[countArg + 3]));
  process.exit(0);
}

const targetArg = process.argv.indexOf("--target");
if (targetArg > 0) {
  const target = targets.find((t) => t.name === process.argv[targetArg + 1]);
  if (target === undefined) throw new Error(`unknown target ${process.argv[targetArg + 1]}`);
  await check(target);
  await rate(target.fetch);  // warm-up (and fills the caches)
  console.log(JSON.stringify({ rate: await rate(target.fetch), contentType: target.contentType }));
  process.exit(0);
}

const script = fileURLToPath(import.meta.url);
const bunPath = `${root}node_modules/.bin/bun`;
const runtimes = [["node", process.execPath, runtime]];
if (process.env.BENCH_BUN !== "0" && existsSync(bunPath)) {
  runtimes.push(["bun", bunPath, `Bun ${execFileSync(bunPath, ["--version"], { encoding: "utf8" }).trim()}`]);
}

if (process.env.BENCH_MEASURE === "instructions") {
  const warmup = Number(process.env.BENCH_WARMUP ?? 50_000);
  const counted = Number(process.env.BENCH_CALLS ?? 100_000);
  const measured = runtimes.filter(([id]) => id === "bun");
  if (measured.length === 0) {
    console.error(`BENCH_MEASURE=instructions counts on Bun: ${bunPath} is missing (npm ci), or BENCH_BUN=0`);
    process.exit(1);
  }
  const count = (id, executable, target, n) =>
    instructions(executable, [script, "--count", target.name, String(warmup), String(n)], {
      env: { ...process.env, BUN_JSC_useConcurrentJIT: "0" },
      label: `${id}, ${target.name}`,
    });
  const perCall = new Map();
  for (const [id, executable, name] of measured) {
    for (const target of targets) {
      // The two runs of one target at once (counts do not depend on the cores).
      const [withCalls, without] = await Promise.all([count(id, executable, target, counted), count(id, executable, target, 0)]);
      perCall.set(`${id} ${target.name}`, (withCalls - without) / counted);
      process.stderr.write(`${name}, ${target.name}: ${Math.round((withCalls - without) / counted)}\n`);
    }
  }
  const ratios = (id, name) => {
    const of = (t) => perCall.get(`${id} ${t.name}`);
    const per = perCall.get(`${id} ${name}`);
    return [Math.round(per).toLocaleString("en-US"), (of(targets[0]) / per).toFixed(2), (of(targets.find((t) => t.peer === "hono")) / per).toFixed(2), (of(targets.find((t) => t.peer === "elysia")) / per).toFixed(2)];
  };
  console.log(`## In-process fetch calls: x86 instructions per call (lower is better), and ratios (higher is better)\n`);
  console.log(`| handler | ${measured.map(([, , name]) => `${name} instructions | × ceiling | × Hono | × Elysia`).join(" | ")} |`);
  console.log(`| --- |${measured.map(() => " ---: | ---: | ---: | ---: |").join("")}`);
  for (const target of targets) {
    console.log(`| ${target.ours ? `**${target.name}**` : target.name} | ${measured.map(([id]) => ratios(id, target.name).join(" | ")).join(" | ")} |`);
  }
  console.log(`
Each call: new Request(url) for one of ${names} rotating /hello/<name> paths, the handler, await response.text(); callgrind, ${counted.toLocaleString("en-US")} calls after ${warmup.toLocaleString("en-US")} warm-up calls, less a run of the warm-up alone. × ceiling / × Hono / × Elysia: that row's instructions per call over this one's. Instructions are not time: they rank, on a busy machine.
Machine: ${cpus()[0].model}, ${cpus().length} cores; ${measured.map(([, , name]) => name).join(", ")}; ${new Date().toISOString().slice(0, 10)}.`);
  process.exit(0);
}

function measureOnce(executable, target) {
  const out = execFileSync(executable, [script, "--target", target.name], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = new Map(runtimes.map(([id]) => [id, targets.map(() => ({ rates: [], contentType: null }))]));
for (let r = 0; r < repeat; r++) {
  for (const [i, target] of targets.entries()) {
    for (const [id, executable] of runtimes) {
      const { rate: value, contentType } = measureOnce(executable, target);
      const cell = results.get(id)[i];
      cell.rates.push(value);
      cell.contentType = contentType;
    }
  }
}
const rowsOf = (id) => targets.map((target, i) => ({ name: target.name, ours: target.ours === true, peer: target.peer ?? null, contentType: results.get(id)[i].contentType, rate: median(results.get(id)[i].rates) }));
const node = rowsOf("node");
const bun = runtimes.length > 1 ? { runtime: runtimes[1][2], rows: rowsOf("bun") } : null;

function columns(rows) {
  const byPeer = (peer) => rows.find((r) => r.peer === peer).rate;
  const ceiling = rows[0].rate;
  return new Map(rows.map((r) => [r.name, [(1e6 / r.rate).toFixed(2), (r.rate / ceiling).toFixed(2), (r.rate / byPeer("hono")).toFixed(2), (r.rate / byPeer("elysia")).toFixed(2)]]));
}
const nodeCols = columns(node);
const bunCols = bun ? columns(bun.rows) : null;
console.log(`## In-process fetch calls: µs per call (lower is better) and ratios of calls per second (higher is better)\n`);
console.log(`| handler | Content-Type | ${runtime} µs | × ceiling | × Hono | × Elysia |${bun ? ` ${bun.runtime} µs | × ceiling | × Hono | × Elysia |` : ""}`);
console.log(`| --- | --- | ---: | ---: | ---: | ---: |${bun ? " ---: | ---: | ---: | ---: |" : ""}`);
for (const row of node) {
  const label = row.ours ? `**${row.name}**` : row.name;
  const bunRow = bun?.rows.find((r) => r.name === row.name);
  const type = bunRow && bunRow.contentType !== row.contentType ? `${row.contentType ?? "none"} (Bun: ${bunRow.contentType ?? "none"})` : (row.contentType ?? "none");
  console.log(`| ${label} | ${type} | ${nodeCols.get(row.name).join(" | ")} |${bunCols ? ` ${bunCols.get(row.name).join(" | ")} |` : ""}`);
}
console.log(`
Each call: new Request(url) for one of ${names} rotating /hello/<name> paths, the handler, await response.text(). Median of ${repeat} × ${seconds} s per target, each in a fresh process after a ${seconds} s warm-up, targets taking turns.
× ceiling / × Hono / × Elysia: calls per second over that row's, same runtime.
Machine: ${cpus()[0].model}, ${cpus().length} cores; ${runtime}${bun ? `, ${bun.runtime}` : ""}; ${new Date().toISOString().slice(0, 10)}.`);
