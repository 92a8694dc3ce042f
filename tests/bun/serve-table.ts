// Run by Bun (tests/ts/support/bun-server.ts, for vectors.test.ts,
// http1-bun.test.ts, ...): serves a route table file with
// HotpathServer.listen on Bun, on 127.0.0.1, and prints the port.
//   bun tests/bun/serve-table.ts TABLE.tsv [OPTIONS_JSON] [replies|handlers|directives|directive-app]
// OPTIONS_JSON: more listen options (limits, timeouts).
// handlers: a function handler per route (tests/ts/support/handler-app.ts);
// directives: fromRouteTable with the vectors' handler for handler routes;
// directive-app: the table as app.use(...), groups and handlers
// (tests/ts/support/directive-apps.ts).
import { readFileSync } from "node:fs";

import { HotpathServer } from "../../adapters/index.js";
import { directiveApp, vectorHandlers } from "../ts/support/directive-apps.js";
import { handlerApp } from "../ts/support/handler-app.js";

const [table, options, mode = "replies"] = process.argv.slice(2);
if (!table) throw new Error("usage: bun tests/bun/serve-table.ts TABLE.tsv [OPTIONS_JSON] [replies|handlers|directives|directive-app]");
const text = readFileSync(table, "utf8");
const app =
  mode === "handlers" ? handlerApp(text)
  : mode === "directives" ? HotpathServer.fromRouteTable(text, { handlers: vectorHandlers(text) })
  : mode === "directive-app" ? directiveApp(text)
  : HotpathServer.fromRouteTable(text);
const server = await app.listen(0, { hostname: "127.0.0.1", ...(options ? JSON.parse(options) : {}) });
console.log(`listening ${server.port}`);
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
