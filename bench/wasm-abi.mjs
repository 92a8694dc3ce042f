// npm run bench:wasm — raw router.wasm ABI calls per second, in this runtime
// (node bench/wasm-abi.mjs, or bun bench/wasm-abi.mjs). No Response objects:
// this is the cost of the Wasm calls and the memory copies an adapter makes.
//   WASM=build/router.wasm  BENCH_SECONDS=1  BENCH_REPEAT=5
import { readFileSync } from "node:fs";
import { envDuration } from "./suite/duration.mjs";

const wasmPath = process.env.WASM ?? new URL("../build/router.wasm", import.meta.url).pathname;
const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const runtime = typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.versions.node}`;

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const abi = instance.exports;
const encoder = new TextEncoder();

function writeInput(text) {
  const bytes = encoder.encode(text);
  const ptr = abi.alloc(bytes.length);
  new Uint8Array(abi.memory.buffer).set(bytes, ptr);
  return [ptr, bytes.length];
}

function measure(name, calls, fn) {
  const rates = [];
  for (let r = 0; r < repeat; r++) {
    let n = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) fn(i);
      n += 1000;
    }
    rates.push((n * calls) / seconds);
  }
  rates.sort((a, b) => a - b);
  return { name, median: rates[Math.floor(rates.length / 2)] };
}

const results = [];
// Fast ABI exactly as the original adapters use it: packed i64 return.
{
  const [ptr, len] = writeInput("/hello/rai");
  results.push(
    measure("handle_path /hello/rai (packed i64)", 1, () => {
      const packed = abi.handle_path(ptr, len);
      return Number(packed & 0xffffffffn);
    }),
  );
}
// Extension: one call, results read from the response record.
{
  const [ptr, len] = writeInput("/hello/rai");
  const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
  results.push(
    measure("route_request GET /hello/rai + record", 1, () => {
      abi.route_request(0, ptr, len);
      return record[1];
    }),
  );
}
// Compatibility ABI: text request, text response.
{
  const [ptr, len] = writeInput("GET /hello/rai\n");
  results.push(measure("handle 'GET /hello/rai' (compat)", 1, () => Number(abi.handle(ptr, len) & 0xffffffffn)));
}
// The GitHub-style table: every route's request in turn.
{
  const table = readFileSync(new URL("./github-api.tsv", import.meta.url));
  const [tptr, tlen] = writeInput(table.toString("utf8"));
  if (abi.load_routes(tptr, tlen) !== 0) throw new Error("github-api.tsv did not load");
  const methods = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 };
  const requests = readFileSync(new URL("./github-api.requests", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t"));
  // Each request gets its own input buffer region: copy them all into one
  // allocation so the loop measures routing, not encoding.
  const encoded = requests.map(([, path]) => encoder.encode(path));
  const total = encoded.reduce((n, b) => n + b.length, 0);
  const base = abi.alloc(total);
  const memory = new Uint8Array(abi.memory.buffer);
  const spans = [];
  let at = base;
  for (const bytes of encoded) {
    memory.set(bytes, at);
    spans.push([at, bytes.length]);
    at += bytes.length;
  }
  const codes = requests.map(([m]) => methods[m]);
  for (let i = 0; i < spans.length; i++) {
    const status = abi.route_request(codes[i], spans[i][0], spans[i][1]);
    if (status >= 400) throw new Error(`${requests[i].join(" ")} answered ${status}`);
  }
  const n = spans.length;
  results.push(measure(`route_request github-api (${n} routes, rotating)`, 1, (i) => {
    const k = i % n;
    return abi.route_request(codes[k], spans[k][0], spans[k][1]);
  }));
  abi.load_builtin_routes();
}

console.log(`router.wasm ABI calls per second, ${runtime}, ${wasmPath} (${readFileSync(wasmPath).length} bytes)`);
console.log(`median of ${repeat} x ${seconds}s\n`);
console.log("| call | calls/s | ns/call |\n| --- | ---: | ---: |");
for (const r of results) console.log(`| ${r.name} | ${Math.round(r.median).toLocaleString("en-US")} | ${(1e9 / r.median).toFixed(1)} |`);
