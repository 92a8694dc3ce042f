// Hono on Bun with the same three routes (the anchor of bench:fast).
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("ok"));
app.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
app.get("/json", (c) => c.json({ ok: true }));
Bun.serve({ port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1", fetch: app.fetch });
