// npm run bench:wasm — raw router.wasm ABI calls per second, in this runtime
// (node bench/wasm-abi.mjs, or bun bench/wasm-abi.mjs). No Response objects:
// this is the cost of the Wasm calls and the memory copies an adapter makes.
//   WASM=build/router.wasm  BENCH_SECONDS=1  BENCH_REPEAT=5
// WASM may name several modules, [name=]path separated by spaces or commas
// (npm run bench:wasm-toolchains: the default, Emscripten and WASI builds):
// they are measured side by side in this run, each repeat running every
// module's call in turn, and the report compares each with the first.
import { readFileSync } from "node:fs";

import { wasmModules } from "./wasm-modules.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const runtime = typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const modules = wasmModules();
const encoder = new TextEncoder();

// The calls measured on one module: name -> function of the loop index.
async function callsOf(path) {
  const bytes = readFileSync(path);
  const module = new WebAssembly.Module(bytes);
  const abi = (await WebAssembly.instantiate(module, {})).exports;
  function writeInput(text) {
    const encoded = encoder.encode(text);
    const ptr = abi.alloc(encoded.length);
    new Uint8Array(abi.memory.buffer).set(encoded, ptr);
    return [ptr, encoded.length];
  }
  const calls = new Map();
  // Fast ABI exactly as the original adapters use it: packed i64 return.
  {
    const [ptr, len] = writeInput("/hello/rai");
    calls.set("handle_path /hello/rai (packed i64)", () => Number(abi.handle_path(ptr, len) & 0xffffffffn));
  }
  // Extension: one call, results read from the response record.
  {
    const [ptr, len] = writeInput("/hello/rai");
    const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
    calls.set("route_request GET /hello/rai + record", () => {
      abi.route_request(0, ptr, len);
      return record[1];
    });
  }
  // Compatibility ABI: text request, text response.
  {
    const [ptr, len] = writeInput("GET /hello/rai\n");
    calls.set("handle 'GET /hello/rai' (compat)", () => Number(abi.handle(ptr, len) & 0xffffffffn));
  }
  // The GitHub-style table, on an instance of its own: every route's
  // request in turn.
  {
    const github = (await WebAssembly.instantiate(module, {})).exports;
    const table = encoder.encode(readFileSync(new URL("./github-api.tsv", import.meta.url), "utf8"));
    const tptr = github.alloc(table.length);
    new Uint8Array(github.memory.buffer).set(table, tptr);
    if (github.load_routes(tptr, table.length) !== 0) throw new Error(`${path}: github-api.tsv did not load`);
    const methods = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 };
    const requests = readFileSync(new URL("./github-api.requests", import.meta.url), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t"));
    // All request targets in one allocation, so the loop measures routing,
    // not encoding.
    const encoded = requests.map(([, target]) => encoder.encode(target));
    const base = github.alloc(encoded.reduce((n, b) => n + b.length, 0));
    const memory = new Uint8Array(github.memory.buffer);
    const spans = [];
    let at = base;
    for (const target of encoded) {
      memory.set(target, at);
      spans.push([at, target.length]);
      at += target.length;
    }
    const codes = requests.map(([m]) => methods[m]);
    for (let i = 0; i < spans.length; i++) {
      const status = github.route_request(codes[i], spans[i][0], spans[i][1]);
      if (status >= 400) throw new Error(`${path}: ${requests[i].join(" ")} answered ${status}`);
    }
    const n = spans.length;
    calls.set(`route_request github-api (${n} routes, rotating)`, (i) => {
      const k = i % n;
      return github.route_request(codes[k], spans[k][0], spans[k][1]);
    });
  }
  return { bytes: bytes.length, imports: WebAssembly.Module.imports(module).length, calls };
}

function rate(fn) {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(i);
    n += 1000;
  }
  return n / seconds;
}

const measured = [];
for (const m of modules) measured.push({ ...m, ...(await callsOf(m.path)), rates: new Map() });
const callNames = [...measured[0].calls.keys()];
for (let r = 0; r < repeat; r++) {
  for (const call of callNames) {
    for (const m of measured) {
      const rates = m.rates.get(call) ?? [];
      rates.push(rate(m.calls.get(call)));
      m.rates.set(call, rates);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ns = (m, call) => 1e9 / median(m.rates.get(call));

console.log(`router.wasm ABI calls, ${runtime}, median of ${repeat} x ${seconds}s${measured.length > 1 ? ", modules interleaved" : ""}\n`);
if (measured.length === 1) {
  const [m] = measured;
  console.log(`${m.path} (${m.bytes} bytes, ${m.imports} imports)\n`);
  console.log("| call | calls/s | ns/call |\n| --- | ---: | ---: |");
  for (const call of callNames) {
    console.log(`| ${call} | ${Math.round(median(m.rates.get(call))).toLocaleString("en-US")} | ${ns(m, call).toFixed(1)} |`);
  }
} else {
  console.log(`| module | bytes | imports | ${callNames.map((c) => `${c} ns`).join(" | ")} |`);
  console.log(`| --- | ---: | ---: | ${callNames.map(() => "---:").join(" | ")} |`);
  for (const m of measured) {
    const cells = callNames.map((call) => `${ns(m, call).toFixed(1)} (${(ns(m, call) / ns(measured[0], call)).toFixed(2)})`);
    console.log(`| ${m.name} (${m.path}) | ${m.bytes} | ${m.imports} | ${cells.join(" | ")} |`);
  }
  console.log(`\nns per call (in brackets: time relative to ${measured[0].name}; below 1 is faster)`);
}
