/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only.
/**
 * The fallback process CServer starts for `listen(port, { fallback: { module } })`
 * (adapters/c-fallback.ts supervises it): imports the module, takes its
 * app (the default export, or `FALLBACK_EXPORT`: a HotpathServer, a
 * Hotpath({ adapter: "c" }) app or a CServer), checks that its route table is
 * the one hotpath-server was started with, and serves the app's handlers
 * with serveFallback() on the Unix socket hotpath-server forwards to.
 *
 *   FALLBACK_MODULE=URL FALLBACK_EXPORT=default FALLBACK_TABLE=FILE FALLBACK_SOCKET=PATH node child.js
 *
 * Prints "hotpath fallback ready" once it listens. SIGTERM: close()
 * (what it received is answered), then exit 0. Any failure to start is one
 * line on stderr and exit 1.
 */
import { readFileSync } from "node:fs";

import { CServer } from "../c.js";
import { HotpathServer } from "../server/app.js";
import { fallbackAnswer } from "../server/fallback-answer.js";
import { routeTableOf } from "../server/route-table.js";
import { serveFallback } from "./serve.js";

function fail(message: string): never {
  process.stderr.write(`hotpath fallback: ${message}\n`);
  process.exit(1);
}

const env = (name: string): string => process.env[name] || fail(`${name} is not set (this script is started by CServer)`);
const moduleUrl = env("FALLBACK_MODULE");
const exportName = process.env["FALLBACK_EXPORT"] || "default";
const expected = readFileSync(env("FALLBACK_TABLE"), "utf8");
const socket = env("FALLBACK_SOCKET");

let loaded: Record<string, unknown>;
try {
  loaded = (await import(moduleUrl)) as Record<string, unknown>;
} catch (error) {
  fail(`cannot import ${moduleUrl}: ${(error as Error).message ?? String(error)}`);
}
const exported = loaded[exportName];
const app = exported instanceof CServer ? CServer.handlerApp(exported) : exported;
if (!(app instanceof HotpathServer)) {
  fail(`${moduleUrl}: its export ${JSON.stringify(exportName)} is not a HotpathServer, Hotpath({ adapter: "c" }) app or CServer (the same copy of @hotpath/server must be imported)`);
}
let table: string;
try {
  table = exported instanceof CServer ? exported.routeTable() : routeTableOf(HotpathServer.definition(app), "fallback");
} catch (error) {
  fail((error as Error).message);
}
if (table !== expected) {
  fail(`${moduleUrl}: its app's route table is not the one hotpath-server serves (the module must define the same routes, in the same order, as the app that called listen())`);
}
const running = await serveFallback(fallbackAnswer(app), { path: socket });
process.once("SIGTERM", () => void running.close().then(() => process.exit(0)));
process.once("SIGINT", () => void running.close().then(() => process.exit(0)));
process.stdout.write("hotpath fallback ready\n");
