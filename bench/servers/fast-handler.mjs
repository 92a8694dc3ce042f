// HotpathServer with the same three routes as function handlers (c.text,
// c.json), served by app.listen (Bun.serve under Bun): target `fast-handler`.
import { HotpathServer } from "../../dist/adapters/index.js";

const app = new HotpathServer()
  .get("/", (c) => c.text("ok"))
  .get("/hello/:name", (c) => c.text(`hello ${c.params.name}`))
  .get("/json", (c) => c.json({ ok: true }));
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1" });
