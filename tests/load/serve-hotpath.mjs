// Run by the load suite (tests/load/load-servers.ts) under Node or under
// Bun: HotpathServer from dist/ (the package as built: `make test-load`
// builds it) serving a route table file on 127.0.0.1, with listen options
// as JSON. Prints "listening PORT"; on SIGTERM, stop() (it drains), then
// exit 0.
//   node|bun tests/load/serve-hotpath.mjs TABLE.tsv [OPTIONS_JSON]
import { readFileSync } from "node:fs";

import { HotpathServer } from "../../dist/adapters/index.js";

const [table, options] = process.argv.slice(2);
if (!table) throw new Error("usage: serve-hotpath.mjs TABLE.tsv [OPTIONS_JSON]");
const app = HotpathServer.fromRouteTable(readFileSync(table, "utf8"));
const server = await app.listen(0, { hostname: "127.0.0.1", ...(options ? JSON.parse(options) : {}) });
console.log(`listening ${server.port}`);
process.once("SIGTERM", () => {
  server.stop().then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
});
