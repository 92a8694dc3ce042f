/**
 * The example app of `bun run dev` and `bun run dev:c`: one definition (the
 * routes of bench/c-core.tsv), served by HotpathServer on Bun (or Node) or
 * by the native server. Reply helpers only, so every path can serve it.
 */
import { json, template, text, type HotpathServer } from "../adapters/index.js";

/** The example's routes, added to `app` (Hotpath({ adapter }) for each path). */
export function exampleRoutes<App extends HotpathServer>(app: App): App {
  return app
    .get("/", text("ok"))
    .get("/hello/:name", template("hello {name}"))
    .get("/json", json({ ok: true }));
}

/** PORT (default 3000) and HOST (default 127.0.0.1) from the environment. */
export function address(): { port: number; hostname: string } {
  const raw = process.env["PORT"] || "3000";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be 0..65535, not '${raw}'`);
  return { port, hostname: process.env["HOST"] || "127.0.0.1" };
}

/** Stops the server on Ctrl-C or SIGTERM, then exits 0. */
export function stopOnSignal(server: { stop(): Promise<void> }): void {
  const stop = () =>
    void server.stop().then(() => {
      console.log("stopped");
      process.exit(0);
    });
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
