// Targets c-core-fallback (Node) and c-core-fallback-bun (the same script
// under Bun): hotpath-server serving bench/c-core.tsv plus one handler
// route, PROXY GET /dyn/:name, answered by serveFallback() in this process
// over a Unix socket. hotpath-server is this process's child, so the
// suite's CPU figure (the whole process tree) counts both.
//   PORT, FAST_SERVER_C_THREADS, HOTPATH_SERVER_BINARY
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { serveFallback } from "../../dist/adapters/fallback/serve.js";
import { dynamic, PATTERN } from "./handler.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "hotpath-bench-fallback-"));
const socket = join(dir, "app.sock");
const table = join(dir, "routes.tsv");
writeFileSync(table, `${readFileSync(join(root, "bench/c-core.tsv"), "utf8")}PROXY\tGET\t${PATTERN}\n`);

const fallback = await serveFallback(dynamic, { path: socket });
const binary = process.env.HOTPATH_SERVER_BINARY || join(root, "build/hotpath-server");
const args = ["--config", table, "--host", "127.0.0.1", "--port", process.env.PORT ?? "3000", "--fallback", `unix:${socket}`];
if (process.env.FAST_SERVER_C_THREADS) args.push("--threads", process.env.FAST_SERVER_C_THREADS);
const server = spawn(binary, args, { stdio: ["ignore", "inherit", "inherit"] });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once("exit", resolve)));
  await fallback.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.once("exit", (code) => {
  if (!stopping) {
    console.error(`hotpath-server exited (${code})`);
    process.exit(1);
  }
});
