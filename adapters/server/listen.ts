/**
 * Serving a fetch handler: on Bun through Bun.serve, elsewhere through
 * node:http. Shared by HotpathServer and the Hotpath adapters.
 */
import { internalError } from "../answer/errors.js";
import { bunRoutes } from "./bun-routes.js";
import { bunServeLimits, strictHandler, strictRoutes } from "./bun-strict.js";
import { bunRuntime, type BunHandler } from "./bun-types.js";
import { directAnswer } from "./direct-answer.js";
import type { HeaderLookup } from "../routing/directives.js";
import { limitsOf } from "./limits.js";
import type { AppModel } from "./model.js";
import type { ListenOptions, RunningServer } from "./types.js";

export type Runtime = "auto" | "bun" | "node";

/**
 * `app`: where routes come from for Bun's native table (none without it).
 * The handler is wrapped so that a throw never reaches the runtime, whose
 * own error page could show a stack trace.
 */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  options: ListenOptions,
  runtime: Runtime,
  app?: AppModel,
): Promise<RunningServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  // Keeps a synchronous answer synchronous (Bun sends those fastest).
  const safe: BunHandler = (request) => {
    try {
      const answer = fetch(request);
      return answer instanceof Promise ? answer.catch(() => internalError()) : answer;
    } catch {
      return internalError();
    }
  };
  // hotpath-server's limits, checked before anything listens.
  const limits = limitsOf(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const reusePort = options.reusePort ?? false;
  const bun = bunRuntime();
  if (runtime === "bun" || (runtime === "auto" && bun !== undefined)) {
    if (bun === undefined) throw new Error("the bun adapter needs the Bun runtime (typeof Bun is undefined): run under bun, or use adapter \"node\"");
    const held = bunServeLimits(limits, options);
    const routes = app === undefined ? {} : strictRoutes(bunRoutes(app, safe, options.bunStaticResponses === true), limits);
    const server = bun.serve({ port, hostname, reusePort, ...held, routes, fetch: strictHandler(safe, limits), error: () => internalError() });
    let stopped: Promise<void> | null = null;
    return { port: server.port, stop: () => (stopped ??= Promise.resolve(server.stop()).then(() => {})) };
  }
  const { listenNode } = await import("./listen-node.js");
  const direct = app === undefined ? undefined : (method: string, target: string, header?: HeaderLookup) => directAnswer(app, method, target, header);
  return listenNode(safe, port, hostname, reusePort, limits, direct);
}
