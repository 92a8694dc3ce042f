// WASM_WORKERS Bun processes, each running bench/servers/wasm-server.mjs with
// Bun.serve reusePort: true on the same 127.0.0.1:PORT (the kernel spreads
// connections over them). Prints "wasm-cluster: N workers listening" once all
// are bound; SIGTERM/SIGINT stop them all; if one dies, all stop (exit 1).
import { spawn } from "node:child_process";

const workers = Number(process.env.WASM_WORKERS ?? 2);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`WASM_WORKERS must be a positive integer, not ${process.env.WASM_WORKERS}`);
const runtime = process.execPath;  // this Bun
const script = new URL("./wasm-server.mjs", import.meta.url).pathname;
const children = [];
let listening = 0;
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  let left = children.filter((c) => c.exitCode === null).length;
  if (left === 0) process.exit(code);
  for (const child of children) child.once("exit", () => { if (--left === 0) process.exit(code); });
  setTimeout(() => process.exit(code), 5000).unref();
}

for (let i = 0; i < workers; i++) {
  const child = spawn(runtime, [script], { env: { ...process.env, REUSE_PORT: "1" }, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text) => {
    listening += (text.match(/listening/g) ?? []).length;
    if (listening === workers) console.log(`wasm-cluster: ${workers} workers listening on 127.0.0.1:${process.env.PORT}`);
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`wasm-cluster: worker ${child.pid} exited (${code ?? signal}); stopping`);
      stopAll(1);
    }
  });
}
process.on("SIGTERM", () => stopAll(0));
process.on("SIGINT", () => stopAll(0));
