// Run by Bun (tests/ts/server/vectors.test.ts, http1.test.ts): serves a
// route table file with HotpathServer.listen on Bun, on 127.0.0.1, and
// prints the port. OPTIONS_JSON: more listen options (limits, timeouts).
//   bun tests/bun/serve-table.ts TABLE.tsv [OPTIONS_JSON]
import { readFileSync } from "node:fs";

import { HotpathServer } from "../../adapters/index.js";

const [table, options] = process.argv.slice(2);
if (!table) throw new Error("usage: bun tests/bun/serve-table.ts TABLE.tsv [OPTIONS_JSON]");
const app = HotpathServer.fromRouteTable(readFileSync(table, "utf8"));
const server = await app.listen(0, { hostname: "127.0.0.1", ...(options ? JSON.parse(options) : {}) });
console.log(`listening ${server.port}`);
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
