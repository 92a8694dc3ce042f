/**
 * toRouteTable: an app's routes as a route table (TSV), for the paths that
 * serve only tables (router.wasm, hotpath-server). Only what a table can
 * say is written; anything else is an error naming every route concerned,
 * never a table that answers differently from the app.
 */
import { parsePattern } from "../routing/pattern.js";
import { routeTableText, toTableLine, type ReplyRoute } from "../route-table-writer.js";
import { HotpathServer } from "./app.js";
import { mayApply } from "./prefix.js";

export function toRouteTable(app: HotpathServer): string {
  const { records, layers, customNotFound } = HotpathServer.definition(app);
  const problems: string[] = [];
  const routes: ReplyRoute[] = [];
  for (const record of records) {
    const name = `route ${record.method} ${JSON.stringify(record.path)}`;
    if (typeof record.target === "function") {
      problems.push(`${name}: a function handler (a table holds only text(), json(), html(), template() and jsonTemplate() replies)`);
      continue;
    }
    const pattern = parsePattern(record.path);
    if (record.layers.length > 0 || layers.some((layer) => mayApply(layer, pattern))) {
      problems.push(`${name}: middleware runs for it (a table cannot change an answer)`);
      continue;
    }
    try {
      toTableLine(record.method, record.path, record.target);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    routes.push({ method: record.method, path: record.path, reply: record.target });
  }
  if (layers.length > 0) problems.push("use(): app middleware also runs for 404 and 405 answers, which a table answers itself");
  if (customNotFound) problems.push("notFound(): a table answers 404 itself");
  if (problems.length > 0) {
    throw new Error(`toRouteTable: this app cannot be written as a route table:\n  ${problems.join("\n  ")}`);
  }
  return routeTableText(routes);
}
