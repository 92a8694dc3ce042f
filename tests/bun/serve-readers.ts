// Run by Bun (tests/ts/server/http1-bun.test.ts): HotpathServer on Bun.serve
// with handlers that read the request body, on 127.0.0.1; prints the port.
// POST /read: the whole body (c.req.text()); POST /stream: chunk by chunk.
// Each prints what its read did ("stream: failed after N") on stdout.
//   bun tests/bun/serve-readers.ts [OPTIONS_JSON]
import { HotpathServer } from "../../adapters/index.js";

const [options] = process.argv.slice(2);
const app = new HotpathServer()
  .post("/read", async (c) => {
    try {
      const text = await c.req.text();
      console.log(`read: complete ${text.length}`);
      return c.text(`read ${text.length}`);
    } catch {
      console.log("read: failed");
      return c.text("read failed", 500);
    }
  })
  .post("/stream", async (c) => {
    let n = 0;
    try {
      const reader = c.req.body!.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) n += next.value.length;
      console.log(`stream: complete ${n}`);
    } catch {
      console.log(`stream: failed after ${n}`);
    }
    return c.text(`streamed ${n}`);
  });
const server = await app.listen(0, { hostname: "127.0.0.1", ...(options ? JSON.parse(options) : {}) });
console.log(`listening ${server.port}`);
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
