// HotpathServer on Bun with bunStaticResponses: fixed replies become static
// Responses in Bun's native table (no JavaScript per request; Bun then adds
// ETag, answers If-None-Match with 304 and does not apply the 8 KB target
// limit to them, which is why this is opt-in).
import { HotpathServer, json, template, text } from "../../dist/adapters/index.js";

const app = new HotpathServer();
app.get("/", text("ok"));
app.get("/hello/:name", template("hello {name}"));
app.get("/json", json({ ok: true }));
await app.listen(Number(process.env.PORT ?? 3000), { hostname: "127.0.0.1", bunStaticResponses: true });
