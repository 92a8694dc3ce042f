/**
 * The directive vectors' apps (tests/vectors/README.md, "Directives" and
 * "Handler routes"): the vectors' handler for each handler route of a
 * table, and the same table built as a user would write it, with
 * app.use(cors(...)), header(), requireHeader(), a group per route for
 * ROUTE_MIDDLEWARE, and function handlers, so the vectors check that the
 * middleware helpers mean what the table lines mean.
 */
import { cors, header, HotpathServer, requireHeader, template, type Handler, type Middleware } from "../../../adapters/index.js";
import type { Directive } from "../../../adapters/routing/directives.js";
import { parseTable } from "../../../adapters/routing/table.js";
import { RouteRecorder } from "../../../adapters/route-recorder.js";
import type { RouteMethod } from "../../../adapters/routing/methods.js";
import { vectorHandlerBody } from "./vectors.js";

/** The vectors' handler for the route `pattern`: `handler METHOD PATTERN NAME=VALUE...`. */
export function vectorHandler(pattern: string): Handler {
  return (c) => c.text(vectorHandlerBody(c.req.method, pattern, Object.entries(c.params)));
}

/** The vectors' handler of every handler route of a table, keyed "METHOD PATH". */
export function vectorHandlers(table: string): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const { value } of parseTable(table).entries) if (value.kind === "handler") handlers[`${value.method} ${value.path}`] = vectorHandler(value.path);
  return handlers;
}

const utf8 = new TextDecoder();

/** The public helper a user writes for a table step. */
export function helperOf(d: Directive): Middleware {
  if (d.kind === "header") return header(d.name, d.value);
  if (d.kind === "require") return requireHeader(d.name, utf8.decode(Uint8Array.from(d.bytes, (ch) => ch.charCodeAt(0))));
  const p = d.cors;
  return cors({
    origin: p.origins.length === 0 ? "*" : p.origins.length === 1 ? p.origins[0]! : [...p.origins],
    methods: p.methods.split(", "),
    ...(p.allowHeaders === "" ? {} : { allowHeaders: p.allowHeaders.split(", ") }),
    credentials: p.credentials,
    ...(p.maxAge === null ? {} : { maxAge: Number(p.maxAge) }),
  });
}

/** The table as an app of app.use(), groups and handlers (not fromRouteTable), on `app` (default a new HotpathServer). */
export function directiveApp<App extends HotpathServer>(table: string, app: App = new HotpathServer() as App): App {
  const parsed = parseTable(table);
  for (const d of parsed.middleware) app.use(helperOf(d));
  for (const { value } of parsed.entries) {
    const target = value.kind === "handler" ? vectorHandler(value.path) : template(value.body, value.status, value.contentType);
    if (value.directives.length === 0) {
      RouteRecorder.record(app, value.method as RouteMethod, value.path, target);
      continue;
    }
    // ROUTE_MIDDLEWARE: the route alone in a group with the middleware.
    const group = new HotpathServer();
    for (const d of value.directives) group.use(helperOf(d));
    RouteRecorder.record(group, value.method as RouteMethod, value.path, target);
    app.route("", group);
  }
  return app;
}
