/**
 * `bun run dev`: the example app on HotpathServer, on Bun.serve (or on
 * node:http when run by Node: `node --experimental-strip-types`, tsx...).
 *   PORT=3000 HOST=127.0.0.1 bun run dev
 */
import { Hotpath } from "../adapters/index.js";
import { address, exampleRoutes, stopOnSignal } from "./app.js";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const { port, hostname } = address();
const server = await exampleRoutes(Hotpath({ adapter: onBun ? "bun" : "node" })).listen(port, { hostname });
stopOnSignal(server);
console.log(`HotpathServer on ${onBun ? "Bun.serve" : "node:http"} listening on http://${hostname}:${server.port}/ (try /hello/rai)`);
