// The mixed app of issue 12, HotpathServer: a table route (a template
// reply), a handler route (c.json), and one header() directive on every
// answer. MIXED_ADAPTER picks how it is served:
//   (unset)  HotpathServer.listen: Bun.serve under Bun, node:http under Node
//            (targets `mixed-fast` and `mixed-fast-node`)
//   wasm     Hotpath({ adapter: "wasm" }) on build/router.wasm: the core answers
//            the table route and the directive, the handler runs in JavaScript
//            (target `mixed-wasm`, under Bun)
//   c        Hotpath({ adapter: "c" }): hotpath-server (HOTPATH_SERVER_BINARY,
//            FAST_SERVER_C_THREADS threads) answers the table route and the
//            directive, and forwards the handler route to this process's
//            handler through its fallback (targets `mixed-c` on Node,
//            `mixed-c-bun` on Bun; the CPU of both processes is counted)
// Routes: GET /hello/:name -> "hello NAME" (table), GET /users/:id -> {"id":"ID"}
// (handler); both with x-powered-by: hotpath.
import { readFileSync } from "node:fs";

import { Hotpath, HotpathServer, header, template } from "../../dist/adapters/index.js";

const adapter = process.env.MIXED_ADAPTER;
const app =
  adapter === "wasm"
    ? Hotpath({ adapter: "wasm", module: readFileSync(new URL("../../build/router.wasm", import.meta.url)) })
    : adapter === "c"
      ? Hotpath({ adapter: "c" })
      : new HotpathServer();
app.use(header("x-powered-by", "hotpath"));
app.get("/hello/:name", template("hello {name}"));
app.get("/users/:id", (c) => c.json({ id: c.params.id }));
const threads = Number(process.env.FAST_SERVER_C_THREADS ?? 1);
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1", ...(adapter === "c" ? { threads, binary: process.env.HOTPATH_SERVER_BINARY } : {}) });
console.log(`mixed listening on 127.0.0.1:${process.env.PORT ?? 3000}`);
