/**
 * `bun run dev:c`: the same app's routes served by hotpath-server (CServer,
 * through Hotpath({ adapter: "c" })), with FAST_SERVER_C_THREADS worker
 * threads (default: the server's, one per physical core).
 *   FAST_SERVER_C_THREADS=8 PORT=3000 bun run dev:c
 */
import { Hotpath } from "../adapters/index.js";
import { address, exampleRoutes, stopOnSignal } from "./app.js";

const raw = process.env["FAST_SERVER_C_THREADS"];
const threads = raw === undefined || raw === "" ? undefined : Number(raw);
if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
  throw new RangeError(`FAST_SERVER_C_THREADS must be a positive integer, not '${raw}'`);
}
const { port, hostname } = address();
const server = await exampleRoutes(Hotpath({ adapter: "c" })).listen(port, { hostname, ...(threads === undefined ? {} : { threads }) });
stopOnSignal(server);
console.log(
  `hotpath-server (pid ${server.pid}, ${threads === undefined ? "threads: one per core" : `${threads} threads`}) listening on http://${hostname}:${server.port}/ (try /hello/rai)`,
);
