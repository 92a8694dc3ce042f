// build/router.wasm (route table compiled in, bench/c-core.tsv by default)
// behind createFastWasmFetch, served by one Bun.serve (under Bun) or one
// node:http server (under Node: through @hono/node-server, as the `hono`
// target, or with WASM_NODE_BRIDGE=hotpath through HotpathServer's own
// bridge). Run it with the runtime to measure: `bun wasm-server.mjs` or
// `node wasm-server.mjs`. REUSE_PORT=1 (Bun only) shares the port with other
// processes (bench/servers/wasm-cluster.mjs); "listening" is printed once
// the socket is bound.
import { readFileSync } from "node:fs";

import { createFastWasmFetch } from "../../dist/adapters/wasm.js";

const port = Number(process.env.PORT ?? 3000);
const reusePort = process.env.REUSE_PORT === "1";
const module = new WebAssembly.Module(readFileSync(new URL("../../build/router.wasm", import.meta.url)));
const app = createFastWasmFetch({ instance: new WebAssembly.Instance(module, {}), cache: { maxEntries: 1024 } });

if (typeof Bun !== "undefined") {
  Bun.serve({ port, hostname: "127.0.0.1", reusePort, fetch: (request) => app.fetch(request) });
} else if (process.env.WASM_NODE_BRIDGE === "hotpath") {
  // HotpathServer's own node:http bridge (dist/adapters/server/listen-node.js).
  const { listenNode } = await import("../../dist/adapters/server/listen-node.js");
  await listenNode((request) => app.fetch(request), port, "127.0.0.1", reusePort);
} else {
  // @hono/node-server, the bridge of the `hono` target: Node figures then
  // differ by router only.
  if (reusePort) throw new Error("REUSE_PORT needs Bun");
  const { serve } = await import("@hono/node-server");
  await new Promise((resolve) => serve({ fetch: (request) => app.fetch(request), port, hostname: "127.0.0.1" }, resolve));
}
console.log(`wasm-server ${process.pid} listening on 127.0.0.1:${port}`);
