/**
 * toRouteTable: an app as a route table (TSV), for the paths that serve
 * tables (router.wasm, hotpath-server). Declarative replies are route
 * lines; function handlers are handler routes (PROXY lines: the host's
 * handler, or hotpath-server's fallback, answers them); cors(), header()
 * and requireHeader() used app-wide are MIDDLEWARE lines and on a group's
 * routes ROUTE_MIDDLEWARE lines. Only what a table can say is written;
 * anything else is an error naming every route and middleware concerned,
 * never a table that answers differently from the app.
 */
import { middlewareLine, proxyLine, routeMiddlewareLine, toTableLine } from "../route-table-writer.js";
import type { Reply } from "../reply.js";
import { HotpathServer } from "./app.js";
import type { ChainLayer } from "./directive-plan.js";
import type { AppModel } from "./model.js";

export function toRouteTable(app: HotpathServer): string {
  return routeTableOf(HotpathServer.definition(app), "table");
}

/**
 * @internal Who serves the table, and so what JavaScript may stay out of it:
 * - "table": nothing runs JavaScript beside the table but the handlers
 *   (toRouteTable);
 * - "fallback": hotpath-server, whose fallback runs the app's handlers with
 *   their JavaScript middleware (a reply with middleware around it becomes a
 *   handler route); the server answers 404 and 405 itself;
 * - "wasm": router.wasm in a JavaScript host that runs every middleware
 *   around the core's answers (HotpathWasmServer).
 */
export type TableHost = "table" | "fallback" | "wasm";

function scope(layer: ChainLayer): string {
  return layer.prefix === null ? "" : `${JSON.stringify("/" + layer.prefix.join("/"))}, `;
}

/** @internal The app's table for `host`; throws listing what it cannot say. */
export function routeTableOf(app: AppModel, host: TableHost): string {
  const plan = app.plan();
  const problems: string[] = [];
  if (host !== "wasm") {
    for (const layer of plan.appChain) {
      problems.push(
        layer.prefix === null
          ? `use(${layer.reason}): app middleware runs for every request, 404 and 405 answers too, which a table answers itself`
          : `use(${scope(layer)}${layer.reason}): it runs for 404 answers under that path too, which a table answers itself`,
      );
    }
    if (app.customNotFound) problems.push("notFound(): a table answers 404 itself");
  }
  let text = "";
  for (const d of plan.appSteps) text += middlewareLine(d);
  let routeMiddleware = "";
  app.records.forEach((record, index) => {
    const name = `route ${record.method} ${JSON.stringify(record.path)}`;
    const chain = plan.routeChain(index);
    if (host === "table" && chain.length > 0) {
      problems.push(`${name}: ${chain.map((layer) => layer.reason).join(", ")} runs for it (a table runs no JavaScript middleware)`);
      return;
    }
    try {
      if (typeof record.target === "function" || (host === "fallback" && chain.length > 0)) text += proxyLine(record.method, record.path);
      else text += toTableLine(record.method, record.path, record.target as Reply);
      for (const d of plan.routeSteps(index)) routeMiddleware += routeMiddlewareLine(index, d);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  if (problems.length > 0) {
    throw new Error(`toRouteTable: this app cannot be written as a route table:\n  ${problems.join("\n  ")}`);
  }
  return text + routeMiddleware;
}
