// Elysia on Bun with the same three routes as function handlers (Elysia puts
// them in Bun.serve's native routes table): target `elysia` of bench:run.
import { Elysia } from "elysia";

new Elysia()
  .get("/", () => "ok")
  .get("/hello/:name", ({ params }) => `hello ${params.name}`)
  .get("/json", () => ({ ok: true }))
  .listen({ port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" });
