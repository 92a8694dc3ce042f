/**
 * HotpathServer: routes in TypeScript on the core router (adapters/core), with
 * the same matching and answers as every other Hotpath path, plus function
 * handlers and middleware. `fetch` runs in any fetch runtime; `listen` serves
 * it on Bun (Bun.serve) or Node (node:http).
 *
 *   const app = new HotpathServer()
 *     .use(cors())
 *     .get("/", text("ok"))
 *     .get("/users/:id", (c) => c.json({ id: c.params.id }));
 *   export default app;                 // Workers, Bun, Deno: app.fetch
 *   await app.listen(3000);             // or serve it yourself
 */
import type { RouteMethod } from "../routing/methods.js";
import { parsePattern } from "../routing/pattern.js";
import { Router, type Match } from "../routing/router.js";
import { parseRouteTable } from "../routing/table.js";
import { requestTarget } from "../routing/request-target.js";
import { isReply, template, type Reply } from "../reply.js";
import { compileReply, replyResponse, type CompiledReply } from "./compiled-reply.js";
import { runChain, type SafeErrorHandler, type Step } from "./compose.js";
import { answersDirectly } from "./direct-answer.js";
import { Context } from "./context.js";
import { listen } from "./listen.js";
import { inScope, parsePrefix, pathSegments, type Layer } from "./prefix.js";
import { errorResponse, internalError } from "./responses.js";
import { finish } from "./finish.js";
import type { ErrorHandler, Handler, ListenOptions, Middleware, NotFoundHandler, RunningServer } from "./types.js";

/** What a route answers with: a function, or a declarative reply (text(), template(), ...). */
export type RouteTarget = Handler | Reply;

/** A route as defined (mounted groups included), in order. */
export interface RouteRecord {
  readonly method: RouteMethod;
  readonly path: string;
  readonly target: RouteTarget;
  /** Group middleware (outermost first); app-level use() is not here. */
  readonly layers: readonly Layer[];
}

/** The router's value for a route. */
export interface RouteValue {
  readonly record: RouteRecord;
  readonly handler: Handler | null;
  readonly reply: CompiledReply | null;
}

/** @internal What toRouteTable and listen read from an app. */
export interface AppDefinition {
  readonly records: readonly RouteRecord[];
  readonly layers: readonly Layer[];
  readonly customNotFound: boolean;
  readonly router: Router<RouteValue>;
}

export class HotpathServer {
  readonly #router = new Router<RouteValue>();
  readonly #records: RouteRecord[] = [];
  readonly #layers: Layer[] = [];
  #notFound: NotFoundHandler | null = null;
  #onError: ErrorHandler | null = null;

  get(path: string, target: RouteTarget): this {
    return this.#add("GET", path, target, []);
  }
  post(path: string, target: RouteTarget): this {
    return this.#add("POST", path, target, []);
  }
  put(path: string, target: RouteTarget): this {
    return this.#add("PUT", path, target, []);
  }
  patch(path: string, target: RouteTarget): this {
    return this.#add("PATCH", path, target, []);
  }
  delete(path: string, target: RouteTarget): this {
    return this.#add("DELETE", path, target, []);
  }
  options(path: string, target: RouteTarget): this {
    return this.#add("OPTIONS", path, target, []);
  }
  head(path: string, target: RouteTarget): this {
    return this.#add("HEAD", path, target, []);
  }
  /** Every method, including ones outside the list above (ANY in a route table). */
  all(path: string, target: RouteTarget): this {
    return this.#add("ANY", path, target, []);
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
      return internalError();  // only a bug of ours gets here: handlers run inside the chain
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
  static fromRouteTable(text: string): HotpathServer {
    const app = new HotpathServer();
    for (const { value } of parseRouteTable(text)) {
      app.#add(value.method, value.path, template(value.body, value.status, value.contentType), []);
    }
    return app;
  }

  /** @internal The app's routes and middleware, for toRouteTable and listen. */
  static definition(app: HotpathServer): AppDefinition {
    return { records: app.#records, layers: app.#layers, customNotFound: app.#notFound !== null, router: app.#router };
  }

  /**
   * Called before a route is added, with its group middleware. Adapters whose
   * path cannot run something (a function on the native server) throw here,
   * so the error points at the route's definition.
   */
  protected checkRoute(_method: RouteMethod, _path: string, _target: RouteTarget, _layers: readonly Layer[]): void {}

  #add(method: RouteMethod, path: string, target: RouteTarget, layers: Layer[]): this {
    const origin = `route ${method} ${JSON.stringify(path)}`;
    if (typeof target !== "function" && !isReply(target)) {
      throw new TypeError(`${origin}: expected a handler function or a reply made by text(), json(), html(), template() or jsonTemplate()`);
    }
    this.checkRoute(method, path, target, layers);
    const params = parsePattern(path, origin).filter((s) => s.kind !== "static").map((s) => s.text);
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
    return this;
  }

  #handle(request: Request): Response | Promise<Response> {
    const target = requestTarget(request.url);
    const match = this.#router.match(request.method, target);
    // Declarative and unwrapped: no context, no promise.
    if (answersDirectly(match, this.#layers, this.#notFound !== null)) {
      return match.kind === "route"
        ? replyResponse(match.entry.value.reply!, match.params, match.head)
        : errorResponse(match.status, match.allow, match.head);
    }
    return this.#run(request, target, match);
  }

  async #run(request: Request, target: string, match: Match<RouteValue>): Promise<Response> {
    const params = match.kind === "route" ? match.params : {};
    const c = new Context(request, target, params, this.#notFoundAnswer);
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
    try {
      return await finish(c.finalResponse(), match.head);
    } catch (error) {
      return finish(await this.#errorAnswer(error, c), match.head).catch(() => internalError());
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
