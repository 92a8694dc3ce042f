// A fallback for the native suites (tests/ts/native/fallback*.test.ts,
// directive-vectors.test.ts): serveFallback() on a Unix socket and on a
// TCP port of 127.0.0.1, its handlers plain functions chosen by the route's
// pattern. Run by Node (dist/adapters/fallback/serve.js, built by
// `npx tsc -p tsconfig.build.json`) or by Bun (FALLBACK_MODULE names the
// TypeScript source).
//
//   node tests/fallback/app.mjs SOCKET_PATH
//   env FALLBACK_PATTERNS: JSON, route index -> pattern (as in the table)
//   env FALLBACK_HANDLERS=vector: every route gets the vectors' handler
// Prints one line, {"ready":true,"port":N,"pid":P}, once both listen.
// SIGTERM: close() (answers what it received), then exit 0.
import { createHash } from "node:crypto";

const here = new URL(".", import.meta.url);
const modulePath = process.env.FALLBACK_MODULE ?? new URL("../../dist/adapters/fallback/serve.js", here).href;
const { serveFallback } = await import(modulePath);

const patterns = JSON.parse(process.env.FALLBACK_PATTERNS ?? "{}");
const socketPath = process.argv[2];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// /hang/:n requests wait here until a /release request lets them all go.
let hanging = [];

const handlers = {
  // The vectors' handler (tests/vectors/README.md, "Handler routes").
  vector: (request, route, pattern) =>
    new Response(`handler ${request.method} ${pattern}${Object.entries(route.params).map(([n, v]) => ` ${n}=${v}`).join("")}`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
  "/dyn/:name": (request, route) => new Response(`hello ${route.params.name}`),
  "/hang/:n": (request, route) =>
    new Promise((resolve) => hanging.push(() => resolve(new Response(`released ${route.params.n}`)))),
  "/hanging": () => new Response(String(hanging.length)),
  "/release": () => {
    const waiting = hanging;
    hanging = [];
    for (const go of waiting) go();
    return new Response(`released ${waiting.length}`);
  },
  "/sleep/:ms": async (request, route) => {
    await sleep(Number(route.params.ms));
    return new Response(`slept ${route.params.ms}`);
  },
  "/throw": () => {
    throw new Error("the handler threw (on purpose)");
  },
  "/echo": async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    const headers = [...request.headers].map(([n, v]) => `${n}: ${v}`);
    return Response.json({
      method: request.method,
      url: request.url,
      headers,
      length: body.length,
      sha256: createHash("sha256").update(body).digest("hex"),
    });
  },
  "/big/:n": (request, route) => new Response(new Uint8Array(Number(route.params.n)).fill(0x61)),
  "/status/:code": (request, route) => new Response(null, { status: Number(route.params.code) }),
  "/pid": () => new Response(String(process.pid)),
};

const vectorsOnly = process.env.FALLBACK_HANDLERS === "vector";

function answer(request, route) {
  const pattern = patterns[route.index] ?? "";
  const handler = (!vectorsOnly && handlers[pattern]) || handlers.vector;
  return handler(request, route, pattern);
}

const quiet = () => {};  // the throw test throws on purpose
const unix = await serveFallback(answer, { path: socketPath }, { onError: quiet });
const tcp = await serveFallback(answer, { host: "127.0.0.1", port: 0 }, { onError: quiet });
process.stdout.write(`${JSON.stringify({ ready: true, port: tcp.address.port, pid: process.pid })}\n`);

process.once("SIGTERM", async () => {
  await Promise.all([unix.close(), tcp.close()]);
  process.exit(0);
});
