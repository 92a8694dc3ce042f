// npm run bench:wasm-instructions — x86 instructions per router.wasm ABI call
// on Node (V8's optimising tier), counted by valgrind's callgrind: the same
// calls as bench/wasm-abi.mjs, as a count instead of a time, so two builds
// can be compared on a busy machine where timings move 10-30% between runs.
// Instructions are not nanoseconds, but for the same engine and the same
// calls they rank builds without the noise.
//   WASM=[name=]path...  CALLS=400000
// Each (module, call) runs twice under callgrind: with CALLS calls and with
// none, after the same set-up and 20,000 warm-up calls; the difference over
// CALLS is the cost of one call, the JavaScript loop around it included (the
// same for every module). Node runs with --no-liftoff (the optimising tier
// from the first call) and --single-threaded (no background compilation,
// which otherwise makes the generated code, and the counts, vary by up to
// 15% between runs of the same module); repeated counts of one module still
// move by up to 6% (route_request the most), against 10-30% for timings.
import { fileURLToPath } from "node:url";

import { instructions } from "./suite/callgrind.mjs";
import { callsOf } from "./wasm-calls.mjs";
import { wasmModules } from "./wasm-modules.mjs";

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "--run") {
  // The child under callgrind: node wasm-instructions.mjs --run PATH CALL N
  const [, , , path, key, n] = process.argv;
  const { fn } = (await callsOf(path)).calls.get(key);
  for (let i = 0; i < 20_000; i++) fn(i);
  for (let i = 0, end = Number(n); i < end; i++) fn(i);
} else {
  const calls = Number(process.env.CALLS ?? 400_000);
  const count = (path, key, n) =>
    instructions(process.execPath, ["--single-threaded", "--no-liftoff", self, "--run", path, key, String(n)], {
      valgrindArgs: ["--smc-check=all"],
      label: `${path} ${key}`,
    });
  const modules = wasmModules();
  const rows = [];
  for (const m of modules) {
    const { bytes, calls: known } = await callsOf(m.path);
    const perCall = new Map();
    for (const key of known.keys()) perCall.set(key, ((await count(m.path, key, calls)) - (await count(m.path, key, 0))) / calls);
    rows.push({ ...m, bytes, perCall, labels: new Map([...known].map(([k, v]) => [k, v.label])) });
  }
  const keys = [...rows[0].perCall.keys()];
  console.log(`x86 instructions per router.wasm call, node ${process.versions.node} --no-liftoff --single-threaded, callgrind, ${calls} calls\n`);
  console.log(`| module | bytes | ${keys.map((k) => rows[0].labels.get(k)).join(" | ")} |`);
  console.log(`| --- | ---: | ${keys.map(() => "---:").join(" | ")} |`);
  for (const r of rows) {
    const cells = keys.map((k) => `${Math.round(r.perCall.get(k))} (${(r.perCall.get(k) / rows[0].perCall.get(k)).toFixed(2)})`);
    console.log(`| ${r.name} (${r.path}) | ${r.bytes} | ${cells.join(" | ")} |`);
  }
  console.log(`\n(in brackets: relative to ${rows[0].name}; below 1 is fewer)`);
}
