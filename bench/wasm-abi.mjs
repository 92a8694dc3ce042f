// npm run bench:wasm — raw router.wasm ABI calls per second, in this runtime
// (node bench/wasm-abi.mjs, or bun bench/wasm-abi.mjs). No Response objects:
// this is the cost of the Wasm calls and the memory copies an adapter makes.
//   WASM=build/router.wasm  BENCH_SECONDS=1  BENCH_REPEAT=5
// WASM may name several modules, [name=]path separated by spaces or commas
// (npm run bench:wasm-toolchains: the default, Emscripten and WASI builds):
// they are measured side by side in this run, each repeat running every
// module's call in turn, and the report compares each with the first.
import { envDuration } from "./suite/duration.mjs";
import { callsOf } from "./wasm-calls.mjs";
import { wasmModules } from "./wasm-modules.mjs";

const seconds = envDuration("BENCH_SECONDS", 1, { min: 0.001 });
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const runtime = typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const modules = wasmModules();
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
      rates.push(rate(m.calls.get(call).fn));
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
    console.log(`| ${m.calls.get(call).label} | ${Math.round(median(m.rates.get(call))).toLocaleString("en-US")} | ${ns(m, call).toFixed(1)} |`);
  }
} else {
  console.log(`| module | bytes | imports | ${callNames.map((c) => `${measured[0].calls.get(c).label} ns`).join(" | ")} |`);
  console.log(`| --- | ---: | ---: | ${callNames.map(() => "---:").join(" | ")} |`);
  for (const m of measured) {
    const cells = callNames.map((call) => `${ns(m, call).toFixed(1)} (${(ns(m, call) / ns(measured[0], call)).toFixed(2)})`);
    console.log(`| ${m.name} (${m.path}) | ${m.bytes} | ${m.imports} | ${cells.join(" | ")} |`);
  }
  console.log(`\nns per call (in brackets: time relative to ${measured[0].name}; below 1 is faster)`);
}
