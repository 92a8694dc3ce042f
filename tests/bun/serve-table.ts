// Run by Bun (tests/ts/server/vectors.test.ts): serves a route table file
// with HotpathServer.listen on Bun, on 127.0.0.1, and prints the port.
//   bun tests/bun/serve-table.ts TABLE.tsv
import { readFileSync } from "node:fs";

import { HotpathServer } from "../../adapters/index.js";

const [table] = process.argv.slice(2);
if (!table) throw new Error("usage: bun tests/bun/serve-table.ts TABLE.tsv");
const app = HotpathServer.fromRouteTable(readFileSync(table, "utf8"));
const server = await app.listen(0, { hostname: "127.0.0.1" });
console.log(`listening ${server.port}`);
