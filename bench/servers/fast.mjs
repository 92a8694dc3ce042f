// HotpathServer with the same three routes, declared as replies. app.listen
// serves them with Bun.serve under Bun (static ones in Bun's native routes
// table) and with node:http under Node (replies written without a Request
// or a Response): targets `fast` and `fast-node`.
import { HotpathServer, json, template, text } from "../../dist/adapters/index.js";

const app = new HotpathServer();
app.get("/", text("ok"));
app.get("/hello/:name", template("hello {name}"));
app.get("/json", json({ ok: true }));
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1" });
