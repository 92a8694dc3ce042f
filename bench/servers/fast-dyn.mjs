// Targets fast-dyn-node and fast-dyn-bun: the handler route of the
// fallback benchmarks (handler.mjs) as a function handler of HotpathServer,
// beside bench/c-core.tsv's routes as replies, on node:http or Bun.serve.
//   PORT
import { HotpathServer, json, template, text } from "../../dist/adapters/index.js";
import { dynamic, PATTERN } from "./handler.mjs";

const app = new HotpathServer();
app.get("/", text("ok"));
app.get("/hello/:name", template("hello {name}"));
app.get("/json", json({ ok: true }));
app.get(PATTERN, (c) => dynamic(c.req, { index: 6, params: c.params }));
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1" });
