// Targets handler-node and handler-bun: the handler route of the fallback
// benchmarks (handler.mjs) served directly, with no router: on Bun by
// Bun.serve (its own Request and Response), on Node by node:http with a
// Request built and the Response written back, as a fetch adapter does.
// Only GET /dyn/:name; anything else is 404.
//   PORT
import { dynamic } from "./handler.mjs";

const port = Number(process.env.PORT ?? 3000);
const DYN = /^\/dyn\/([^/?]+)/;

function route(pathname) {
  const m = DYN.exec(pathname);
  return m ? { index: 6, params: { name: decodeURIComponent(m[1]) } } : null;
}

if (typeof Bun !== "undefined") {
  Bun.serve({
    port,
    hostname: "127.0.0.1",
    fetch(request) {
      const r = route(new URL(request.url).pathname);
      return r ? dynamic(request, r) : new Response("Not Found", { status: 404 });
    },
  });
} else {
  const { createServer } = await import("node:http");
  createServer(async (req, res) => {
    const r = route(req.url);
    if (!r) {
      res.writeHead(404).end("Not Found");
      return;
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const response = await dynamic(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers }), r);
    const body = Buffer.from(await response.arrayBuffer());
    const out = {};
    response.headers.forEach((value, name) => (out[name] = value));
    out["content-length"] = body.length;
    res.writeHead(response.status, out).end(body);
  }).listen(port, "127.0.0.1");
}
