// Plain Bun.serve with a native routes table: the ceiling for bench:fast.
const port = Number(process.env.PORT ?? 3000);
const text = { "content-type": "text/plain; charset=utf-8" };
Bun.serve({
  port,
  hostname: "127.0.0.1",
  routes: {
    "/": new Response("ok", { headers: text }),
    "/hello/:name": (req) => new Response(`hello ${req.params.name}`, { headers: text }),
    "/json": Response.json({ ok: true }),
  },
  fetch: () => new Response("Not Found", { status: 404, headers: text }),
});
