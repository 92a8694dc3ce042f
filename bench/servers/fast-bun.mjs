// HotpathServer on Bun with the same three routes, declared as replies so
// app.listen can hand the static ones to Bun's native routes table.
import { HotpathServer, json, template, text } from "../../dist/adapters/index.js";

const app = new HotpathServer();
app.get("/", text("ok"));
app.get("/hello/:name", template("hello {name}"));
app.get("/json", json({ ok: true }));
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1" });
