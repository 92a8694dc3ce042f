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
import type { RouteMethod } from "../routing/methods.js";
import { parsePattern, patternParams } from "../routing/pattern.js";
import { Router, type Match, type Params } from "../routing/router.js";
import { parseRouteTable } from "../routing/table.js";
import { requestTarget } from "../routing/request-target.js";
import { isReply, template } from "../reply.js";
import { RouteRecorder } from "../route-recorder.js";
import { compileReply, replyResponse } from "./compiled-reply.js";
import { runChain, type SafeErrorHandler, type Step } from "./compose.js";
import { Context } from "./context.js";
import { finish, finishedAlready } from "../answer/finish.js";
import { listen } from "./listen.js";
import type { AppModel, RouteRecord, RouteTarget, RouteValue } from "./model.js";
import { inScope, parsePrefix, pathSegments, type Layer } from "./prefix.js";
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

export class HotpathServer extends RouteRecorder<RouteTarget> {
  readonly #router: Router<RouteValue>;
  readonly #records: RouteRecord[] = [];
  readonly #layers: Layer[] = [];
  #notFound: NotFoundHandler | null = null;
  #onError: ErrorHandler | null = null;

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
   * An app serving a route table (TSV, README "The route table"): each line
   * becomes a template() reply route, so the app answers exactly as the
   * table does on the Wasm and native paths. Throws RouteTableError naming
   * the line.
   */
  static fromRouteTable(text: string, options: HotpathServerOptions = {}): HotpathServer {
    const app = new HotpathServer(options);
    for (const { value } of parseRouteTable(text)) {
      app.#add(value.method, value.path, template(value.body, value.status, value.contentType), []);
    }
    return app;
  }

  /** @internal The app's routes and middleware, for toRouteTable and listen. */
  static definition(app: HotpathServer): AppModel {
    return { records: app.#records, layers: app.#layers, customNotFound: app.#notFound !== null, router: app.#router, serve: app.#serve };
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
    const value: RouteValue = { record, handler: typeof target === "function" ? target : null, reply };
    this.#router.add({
      method,
      path,
      value,
      // As in a route table: an empty HEAD reply with a GET twin only declares HEAD.
      headDeclaration: method === "HEAD" && reply !== null && reply.reply.body === "",
      origin,
    });
    this.#records.push(record);
  }

  #handle(request: Request): Response | Promise<Response> {
    const target = requestTarget(request.url);
    const match = this.#router.match(request.method, target);
    if (this.#layers.length === 0) {
      if (match.kind === "route") {
        const { handler, reply, record } = match.entry.value;
        if (record.layers.length === 0) {
          if (reply !== null) return replyResponse(reply, match.params, match.head);
          return this.#call(handler!, new Context(request, target, match.params, this.#notFoundAnswer), match.head);
        }
      } else if (match.status !== 404 || this.#notFound === null) {
        return errorResponse(match.status, match.allow, match.head);
      }
    }
    return this.#run(request, target, match);
  }

  readonly #serve = (value: RouteValue, request: Request, target: string, params: Params): Response | Promise<Response> =>
    value.reply !== null
      ? replyResponse(value.reply, params, false)
      : this.#call(value.handler!, new Context(request, target, params, this.#notFoundAnswer), false);

  // A handler with no middleware around it: its Response as it is, when
  // nothing has to change in it; else the same steps as the chain's end.
  #call(handler: Handler, c: Context, head: boolean): Response | Promise<Response> {
    let answer: unknown;
    try {
      answer = handler(c);
    } catch (error) {
      return this.#failed(error, c, head);
    }
    if (answer instanceof Response) {
      // text(), json() and html() answers need no look at their status.
      if (!c.hasHeaderOps && (head ? finishedAlready(answer, head) : c.madeWithBody(answer) || finishedAlready(answer, head))) return answer;
      c.res = answer;
      return this.#settle(c, head);
    }
    return this.#awaitAnswer(answer, c, head);
  }

  async #awaitAnswer(answer: unknown, c: Context, head: boolean): Promise<Response> {
    try {
      const response: unknown = await answer;
      if (!(response instanceof Response)) {
        throw new TypeError(`the route handler returned ${response === null ? "null" : typeof response}, expected a Response`);
      }
      c.res = response;
    } catch (error) {
      c.res = await this.#errorAnswer(error, c);
    }
    return this.#settle(c, head);
  }

  async #failed(error: unknown, c: Context, head: boolean): Promise<Response> {
    c.res = await this.#errorAnswer(error, c);
    return this.#settle(c, head);
  }

  async #run(request: Request, target: string, match: Match<RouteValue>): Promise<Response> {
    const c = new Context(request, target, match.params, this.#notFoundAnswer);
    let segments: string[] | null | undefined;
    const scoped = (layers: readonly Layer[]): Middleware[] =>
      layers.filter((layer) => layer.prefix === null || inScope(layer, (segments ??= pathSegments(target)))).map((layer) => layer.fn);
    let final: Step;
    let layers = scoped(this.#layers);
    if (match.kind === "route") {
      const { handler, reply, record } = match.entry.value;
      layers = [...layers, ...scoped(record.layers)];
      final = handler ?? ((ctx) => replyResponse(reply!, ctx.params, match.head));
    } else if (match.status === 404) {
      final = this.#notFoundAnswer;
    } else {
      final = () => errorResponse(match.status, match.allow, match.head);
    }
    await runChain(c, layers, final, this.#errorAnswer);
    return this.#settle(c, match.head);
  }

  // The answer with c.header()'s headers, then HEAD and 204/304 fixed up; a
  // failure there is onError's to answer (and then only the default 500).
  async #settle(c: Context, head: boolean): Promise<Response> {
    try {
      return await finish(c.finalResponse(), head);
    } catch (error) {
      return finish(await this.#errorAnswer(error, c), head).catch(() => internalError());
    }
  }

  readonly #notFoundAnswer = (c: Context): Response | Promise<Response> =>
    this.#notFound === null ? errorResponse(404, "", false) : this.#notFound(c);

  readonly #errorAnswer: SafeErrorHandler = async (error, c) => {
    const handler = this.#onError;
    if (handler === null) {
      console.error(error);
      return internalError();
    }
    try {
      const answer = await handler(error instanceof Error ? error : new Error(String(error)), c);
      if (answer instanceof Response) return answer;
    } catch {
      // onError itself failed: the default answer, still without detail
    }
    return internalError();
  };
}
