/**
 * The handlers of a table's handler routes (PROXY, PROXY_UNIX, PROXY_TCP
 * lines), matched to the routes router.wasm reports, keyed "METHOD PATH"
 * as the line writes them. Matched again whenever the table changes.
 */
import type { Handler } from "../server/types.js";
import type { WasmRouter } from "./router.js";

export interface BoundHandlers {
  /** By route index: the handler of a handler route (undefined for reply routes). */
  readonly byRoute: readonly (Handler | undefined)[];
}

/**
 * `strict`: a handler route without a handler, or a handler naming no
 * handler route, throws (when a table is loaded); otherwise such a route
 * answers 502 (a table loaded behind this adapter's back).
 */
export function bindHandlers(router: WasmRouter, handlers: Readonly<Record<string, Handler>>, strict: boolean): BoundHandlers {
  const byRoute: (Handler | undefined)[] = [];
  const used = new Set<string>();
  const missing: string[] = [];
  for (let route = 0, n = router.routeCount; route < n; route++) {
    if (router.routeKind(route) !== 1) continue;
    const key = `${router.routeMethod(route)} ${router.routePath(route)}`;
    const handler = Object.hasOwn(handlers, key) ? handlers[key] : undefined;
    if (typeof handler === "function") {
      byRoute[route] = handler;
      used.add(key);
    } else {
      missing.push(`line ${router.routeLine(route)}: the handler route ${key} has no handler (handlers[${JSON.stringify(key)}])`);
    }
  }
  if (strict) {
    const unused = Object.keys(handlers).filter((key) => !used.has(key));
    const problems = [...missing, ...unused.map((key) => `handlers[${JSON.stringify(key)}] names no handler route of the table`)];
    if (problems.length > 0) throw new TypeError(`router.wasm's route table and its handlers do not fit:\n  ${problems.join("\n  ")}`);
  }
  return { byRoute };
}
