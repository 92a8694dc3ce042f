// The mixed app of issue 12 on Hono: GET /hello/:name -> "hello NAME",
// GET /users/:id -> {"id":"ID"}, and x-powered-by: hotpath on every answer
// (a middleware setting it after next(), as Hono's own secureHeaders does).
// Under Bun: Bun.serve({ fetch: app.fetch }) (target `mixed-hono-bun`);
// under Node: @hono/node-server (target `mixed-hono`).
import { Hono } from "hono";

const app = new Hono();
app.use(async (c, next) => {
  await next();
  c.header("x-powered-by", "hotpath");
});
app.get("/hello/:name", (c) => c.text(`hello ${c.req.param("name")}`));
app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));
const port = Number(process.env.PORT ?? 3000);
if (typeof Bun !== "undefined") {
  Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch });
} else {
  const { serve } = await import("@hono/node-server");
  await new Promise((resolve) => serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, resolve));
}
console.log(`mixed-hono listening on 127.0.0.1:${port}`);
