// Hono on Node via @hono/node-server, with the same three routes as
// bench/c-core.tsv (target `hono` of bench/run.mjs).
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("ok"));
app.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
app.get("/json", (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" });
