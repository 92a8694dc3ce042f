/**
 * HotpathServer: routes in TypeScript on the TypeScript router
 * (adapters/routing), with the same matching and answers as every other
 * Hotpath path, plus function handlers and middleware. `fetch` runs in any
 * fetch runtime; `listen` serves it on Bun (Bun.serve) or Node (node:http).
 *
 *   const app = new HotpathServer()
 *     .use(cors())
 *     .get("/", text("ok"))
 *     .get("/users/:id", (c) => c.json({ id: c.params.id }));
 *   export default app;                 // Workers, Bun, Deno: app.fetch
 *   await app.listen(3000);             // or serve it yourself
 *
 * A request that no middleware can touch takes the direct way: a reply or
 * router error is built at once; a handler is called at once, and its
 * Response returned as it is (no chain, no await) unless it is a promise, a
 * HEAD or 204/304 answer to fix up, or c.header() was used. Everything else
 * goes through the middleware chain (compose.ts).
 */
import { errorResponse, internalError } from "../answer/errors.js";
import { answerResponse, type HeaderField } from "../answer/head.js";
import { evaluateDirectives } from "../routing/directives.js";
import type { RouteMethod } from "../routing/methods.js";
import { parsePattern, patternParams } from "../routing/pattern.js";
import { Router, type Match, type Params } from "../routing/router.js";
import { parseTable } from "../routing/table.js";
import { targetAt, targetStart } from "../routing/request-target.js";
import { isReply, template } from "../reply.js";
import { RouteRecorder } from "../route-recorder.js";
import { compileReply, replyResponse, replyResponseWith } from "./compiled-reply.js";
import { runChain, type Step } from "./compose.js";
import { Context } from "./context.js";
import { headersLookup, NO_HEADERS, planDirectives, type DirectivePlan } from "./directive-plan.js";
import { listen } from "./listen.js";
import { directiveHead, fromDirective } from "./middleware/directive.js";
import type { AppModel, RouteRecord, RouteTarget, RouteValue } from "./model.js";
import { parsePrefix, type Layer } from "./prefix.js";
import { callHandler, safeErrorHandler, settle, type SafeErrorHandler } from "./respond.js";
import type { ErrorHandler, Handler, ListenOptions, Middleware, NotFoundHandler, RunningServer } from "./types.js";

export type { RouteTarget } from "./model.js";

export interface HotpathServerOptions {
  /**
   * Match with JavaScript generated for the routes (`new Function`; the
   * answers are the same). For Bun, Node and Deno; Workers refuse code
   * generation, so leave it off there. Default false.
   */
  compile?: boolean;
}

export interface FromRouteTableOptions extends HotpathServerOptions {
  /**
   * The handlers of the table's handler routes (PROXY, PROXY_UNIX,
   * PROXY_TCP lines), keyed "METHOD PATH" as the line writes them
   * ("GET /users/:id"). Each handler route needs one, and each one a route.
   */
  handlers?: Readonly<Record<string, Handler>>;
}

export class HotpathServer extends RouteRecorder<RouteTarget> {
  readonly #router: Router<RouteValue>;
  readonly #records: RouteRecord[] = [];
  readonly #layers: Layer[] = [];
  #notFound: NotFoundHandler | null = null;
  #onError: ErrorHandler | null = null;
  #plan: DirectivePlan | null = null;
  #version = 0;

  constructor(options: HotpathServerOptions = {}) {
    super();
    this.#router = new Router<RouteValue>([], { compile: options.compile === true });
  }

  /**
   * Middleware for every request (routes, 404 and 405 answers alike), or
   * with a path for requests at or below it. Runs in the order added,
   * whenever it was added relative to the routes.
   */
  use(fn: Middleware): this;
  use(path: string, fn: Middleware): this;
  use(pathOrFn: string | Middleware, maybeFn?: Middleware): this {
    const [prefix, fn] = typeof pathOrFn === "string" ? [parsePrefix(pathOrFn), maybeFn] : [null, pathOrFn];
    if (typeof fn !== "function") throw new TypeError("use() expects a middleware function (c, next) => ...");
    this.#layers.push({ depth: 0, prefix, fn });
    this.#changed();
    return this;
  }

  /**
   * Mounts every route of `sub` under `prefix` ("/api" + "/users" is
   * "/api/users"; sub's "/" is "/api"), with sub's middleware, which then
   * runs for those routes only. A snapshot: later changes to sub are not seen.
   * sub's notFound and onError are not mounted: this app's apply.
   */
  route(prefix: string, sub: HotpathServer): this {
    const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    const depth = base === "" ? 0 : parsePattern(base, `route(${JSON.stringify(prefix)})`).length;
    const shift = (layer: Layer): Layer => ({ ...layer, depth: layer.depth + depth });
    const subLayers = sub.#layers.map(shift);
    for (const record of [...sub.#records]) {
      const path = record.path === "/" ? base || "/" : base + record.path;
      this.#add(record.method, path, record.target, [...subLayers, ...record.layers.map(shift)]);
    }
    return this;
  }

  /** The answer when no route path matches (default: 404 "Not Found", text/plain). */
  notFound(handler: NotFoundHandler): this {
    this.#notFound = handler;
    this.#changed();
    return this;
  }

  /** The answer when a handler or middleware throws or rejects (default: 500 "Internal Server Error"). */
  onError(handler: ErrorHandler): this {
    this.#onError = handler;
    return this;
  }

  /** Answers a request; a fetch handler for Workers, Bun, Deno and Node. Always a new Response. */
  readonly fetch = (request: Request): Response | Promise<Response> => {
    try {
      return this.#handle(request);
    } catch {
      return internalError();  // only a bug of ours gets here: handlers run inside try blocks
    }
  };

  /** Serves `fetch` on Bun (Bun.serve) when running on Bun, else on node:http. */
  listen(port: number, options: ListenOptions = {}): Promise<RunningServer> {
    return listen(this.fetch, port, options, "auto", HotpathServer.definition(this));
  }

  /**
   * An app serving a route table (TSV, README "The route table"), so that
   * it answers exactly as the table does on the Wasm and native paths: each
   * route line becomes a template() reply route, each handler route (PROXY*)
   * the handler `handlers["METHOD PATH"]`, each MIDDLEWARE line app
   * middleware and each ROUTE_MIDDLEWARE line its route's (the same
   * directives cors(), header() and requireHeader() make). Throws
   * RouteTableError naming the line; a handler route without a handler, or
   * a handler naming no route, is an error too.
   */
  static fromRouteTable(text: string, options: FromRouteTableOptions = {}): HotpathServer {
    const { handlers = {}, ...rest } = options;
    const app = new HotpathServer(rest);
    const table = parseTable(text);
    for (const d of table.middleware) app.use(fromDirective(d));
    const used = new Set<string>();
    for (const { value } of table.entries) {
      const layers: Layer[] = value.directives.map((d) => ({ depth: 0, prefix: null, fn: fromDirective(d) }));
      if (value.kind === "reply") {
        app.#add(value.method, value.path, template(value.body, value.status, value.contentType), layers);
        continue;
      }
      const key = `${value.method} ${value.path}`;
      const handler = Object.hasOwn(handlers, key) ? handlers[key] : undefined;
      if (typeof handler !== "function") {
        throw new TypeError(`fromRouteTable: line ${value.line}: the handler route ${key} has no handler (options.handlers[${JSON.stringify(key)}])`);
      }
      used.add(key);
      app.#add(value.method, value.path, handler, layers);
    }
    const unused = Object.keys(handlers).filter((key) => !used.has(key));
    if (unused.length > 0) throw new TypeError(`fromRouteTable: no handler route for ${unused.map((key) => JSON.stringify(key)).join(", ")} in the table`);
    return app;
  }

  /** @internal The app's routes and middleware, for toRouteTable and listen. */
  static definition(app: HotpathServer): AppModel {
    return {
      records: app.#records,
      layers: app.#layers,
      customNotFound: app.#notFound !== null,
      router: app.#router,
      serve: app.#serve,
      plan: () => app.#planned(),
      version: app.#version,
    };
  }

  /** @internal The app's notFound and onError, for hosts that run its handlers (router.wasm). */
  static errorHandlers(app: HotpathServer): { notFound: (c: Context) => Response | Promise<Response>; onError: SafeErrorHandler; customNotFound: () => boolean } {
    return { notFound: app.#notFoundAnswer, onError: app.#errorAnswer, customNotFound: () => app.#notFound !== null };
  }

  /**
   * Called before a route is added, with its group middleware. Adapters whose
   * path cannot run something (a function on the native server) throw here,
   * so the error points at the route's definition.
   */
  protected checkRoute(_method: RouteMethod, _path: string, _target: RouteTarget, _layers: readonly Layer[]): void {}

  protected addRoute(method: RouteMethod, path: string, target: RouteTarget): void {
    this.#add(method, path, target, []);
  }

  #add(method: RouteMethod, path: string, target: RouteTarget, layers: Layer[]): void {
    const origin = `route ${method} ${JSON.stringify(path)}`;
    if (typeof target !== "function" && !isReply(target)) {
      throw new TypeError(`${origin}: expected a handler function or a reply made by text(), json(), html(), template() or jsonTemplate()`);
    }
    this.checkRoute(method, path, target, layers);
    const params = patternParams(path, origin);
    const record: RouteRecord = { method, path, target, layers };
    const reply = typeof target === "function" ? null : compileReply(target, params, origin);
    const value: RouteValue = { record, index: this.#records.length, handler: typeof target === "function" ? target : null, reply };
    this.#router.add({
      method,
      path,
      value,
      // As in a route table: an empty HEAD reply with a GET twin only declares HEAD.
      headDeclaration: method === "HEAD" && reply !== null && reply.reply.body === "",
      origin,
    });
    this.#records.push(record);
    this.#changed();
  }

  #changed(): void {
    this.#plan = null;
    this.#version++;
  }

  #planned(): DirectivePlan {
    return (this.#plan ??= planDirectives(this.#layers, this.#records));
  }

  #handle(request: Request): Response | Promise<Response> {
    const url = request.url;
    const start = targetStart(url);
    const match = this.#router.match(request.method, url, start);
    if (this.#layers.length === 0) {
      if (match.kind === "route") {
        const { handler, reply, record } = match.entry.value;
        if (record.layers.length === 0) {
          if (reply !== null) return replyResponse(reply, match.params, match.head);
          return callHandler(handler!, new Context(request, null, match.params, this.#notFoundAnswer), match.head, this.#errorAnswer);
        }
      } else if (match.status !== 404 || this.#notFound === null) {
        return errorResponse(match.status, match.allow, match.head);
      }
    }
    return this.#handleWithMiddleware(request, targetAt(url, start), match);
  }

  // Directives first, as the table's chain (no await); then, if any applies,
  // the JavaScript middleware chain; the directives' fields go on last.
  #handleWithMiddleware(request: Request, target: string, match: Match<RouteValue>): Response | Promise<Response> {
    const plan = this.#planned();
    let fields = plan.fields(0);
    if (plan.table !== null) {
      const index = match.kind === "route" ? match.entry.value.index : -1;
      const lookup = plan.needed.length === 0 ? NO_HEADERS : headersLookup(request.headers);
      const outcome = evaluateDirectives(plan.table, index, request.method, lookup);
      fields = plan.fields(outcome.headerSet);
      if (outcome.status !== 0) {
        const head = directiveHead(outcome.status, fields, outcome.echo, match.head);
        return answerResponse(head, "Unauthorized");
      }
    }
    const chain = plan.chainFor(match.kind === "route" ? match.entry.value.index : -1, target);
    if (chain === null) {
      if (match.kind === "route") {
        const { handler, reply } = match.entry.value;
        if (reply !== null) return replyResponseWith(reply, match.params, match.head, fields);
        const c = new Context(request, target, match.params, this.#notFoundAnswer);
        c.useFields(fields);
        return callHandler(handler!, c, match.head, this.#errorAnswer);
      }
      if (match.status !== 404 || this.#notFound === null) return errorResponse(match.status, match.allow, match.head, fields);
    }
    return this.#run(request, target, match, chain ?? [], fields);
  }

  readonly #serve = (value: RouteValue, request: Request, target: string | null, params: Params, fields: readonly HeaderField[]): Response | Promise<Response> => {
    if (value.reply !== null) return replyResponseWith(value.reply, params, false, fields);
    const c = new Context(request, target, params, this.#notFoundAnswer);
    c.useFields(fields);
    return callHandler(value.handler!, c, false, this.#errorAnswer);
  };

  async #run(request: Request, target: string, match: Match<RouteValue>, layers: readonly Middleware[], fields: ReturnType<DirectivePlan["fields"]>): Promise<Response> {
    const c = new Context(request, target, match.params, this.#notFoundAnswer);
    c.useFields(fields);
    let final: Step;
    if (match.kind === "route") {
      const { handler, reply } = match.entry.value;
      final = handler ?? ((ctx) => replyResponse(reply!, ctx.params, match.head));
    } else if (match.status === 404) {
      final = this.#notFoundAnswer;
    } else {
      final = () => errorResponse(match.status, match.allow, match.head);
    }
    await runChain(c, layers, final, this.#errorAnswer);
    return settle(c, match.head, this.#errorAnswer);
  }

  readonly #notFoundAnswer = (c: Context): Response | Promise<Response> =>
    this.#notFound === null ? errorResponse(404, "", false) : this.#notFound(c);

  readonly #errorAnswer: SafeErrorHandler = safeErrorHandler(() => this.#onError);
}
