/**
 * Hotpath({ adapter }): one route definition, served on the path chosen.
 *
 *   const app = Hotpath({ adapter: "c" }).get("/", text("ok"));
 *   await app.listen(3000);
 *
 * - "bun", "node": a HotpathServer whose listen uses Bun.serve or node:http.
 * - "c": declarative routes and route-table directives (cors(), header(),
 *   requireHeader()) answered by hotpath-server; function handlers, and
 *   routes under a group's JavaScript middleware, are handler routes its
 *   fallback answers (in this process, or in a supervised child with
 *   `listen(port, { fallback: { module } })`); app-wide JavaScript
 *   middleware and notFound() throw when added (the server answers 404 and
 *   405 itself). listen starts hotpath-server (CServer's launcher). Its
 *   fetch is the TypeScript router, with the same answers.
 * - "wasm": fetch is router.wasm's fast ABI (createFastWasmFetch) on the
 *   app's table: the core answers declarative routes and directives,
 *   function handlers and JavaScript middleware run around it as on
 *   HotpathServer; listen serves that fetch on Bun or Node.
 */
import type { CServerListenOptions, RunningCServer } from "../c.js";
import type { RouteMethod } from "../routing/methods.js";
import type { LruCacheOptions } from "../lru-cache.js";
import type { Reply } from "../reply.js";
import { proxyLine, toTableLine } from "../route-table-writer.js";
import { createWasmHost, type FastWasmFetch, type WasmHostHooks } from "../wasm/fast-fetch.js";
import { HotpathServer, type RouteTarget } from "./app.js";
import { listen } from "./listen.js";
import { fallbackAnswer } from "./fallback-answer.js";
import { directiveInfo } from "./middleware/directive.js";
import type { AppModel } from "./model.js";
import type { Layer } from "./prefix.js";
import { routeTableOf } from "./route-table.js";
import type { Handler, ListenOptions, Middleware, NotFoundHandler, RunningServer } from "./types.js";

export interface WasmAdapterChoice {
  adapter: "wasm";
  /** An instance of router.wasm, or the module (compiled or bytes) to instantiate. */
  instance?: WebAssembly.Instance;
  module?: WebAssembly.Module | BufferSource;
  cache?: LruCacheOptions | false;
}

export type HotpathOptions = { adapter: "bun" } | { adapter: "node" } | { adapter: "c" } | WasmAdapterChoice;

export function Hotpath(options: { adapter: "bun" | "node" }): HotpathServer;
export function Hotpath(options: { adapter: "c" }): HotpathCServer;
export function Hotpath(options: WasmAdapterChoice): HotpathWasmServer;
export function Hotpath(options: HotpathOptions): HotpathServer;
export function Hotpath(options: HotpathOptions): HotpathServer {
  switch (options.adapter) {
    case "bun":
      return new RuntimeServer("bun");
    case "node":
      return new RuntimeServer("node");
    case "c":
      return new HotpathCServer();
    case "wasm":
      return new HotpathWasmServer(options);
    default:
      throw new TypeError(`Hotpath: unknown adapter ${JSON.stringify((options as { adapter?: unknown }).adapter)} (bun, node, c or wasm)`);
  }
}

class RuntimeServer extends HotpathServer {
  readonly #runtime: "bun" | "node";
  constructor(runtime: "bun" | "node") {
    super();
    this.#runtime = runtime;
  }
  override listen(port: number, options: ListenOptions = {}): Promise<RunningServer> {
    return listen(this.fetch, port, options, this.#runtime, HotpathServer.definition(this));
  }
}

/**
 * The native server (hotpath-server): routes and directives a table can
 * hold, handler routes for its JavaScript fallback, and nothing else,
 * refused when added so the error points at the call.
 */
export class HotpathCServer extends HotpathServer {
  protected readonly where = "the native server (adapter \"c\")";

  override use(pathOrFn: string | Middleware, maybeFn?: Middleware): this {
    if (typeof pathOrFn === "string") throw new TypeError(`use(${JSON.stringify(pathOrFn)}, ...): middleware under a path cannot run on ${this.where}: a table's directives apply to every request`);
    this.#checkDirective(pathOrFn, "use");
    return super.use(pathOrFn as Middleware);
  }

  override notFound(_handler: NotFoundHandler): this {
    throw new TypeError(`notFound(): ${this.where} answers 404 itself`);
  }

  protected override checkRoute(method: RouteMethod, path: string, target: RouteTarget, layers: readonly Layer[]): void {
    // A group's JavaScript middleware runs in the fallback around its
    // routes (each becomes a handler route); its directives go in the table.
    let javascript = typeof target === "function";
    // (One the table cannot hold, such as cors() in a group, runs there as JavaScript.)
    for (const layer of layers) {
      const info = directiveInfo(layer.fn);
      if (info === null || layer.prefix !== null || info.directive === null || info.directive.kind === "cors") javascript = true;
    }
    if (javascript) proxyLine(method, path);
    else toTableLine(method, path, target as Reply);  // what the table cannot say fails here, naming the route
  }

  #checkDirective(fn: unknown, where: string): void {
    const info = typeof fn === "function" ? directiveInfo(fn as Middleware) : null;
    if (info === null) {
      throw new TypeError(
        `${where}: app-wide JavaScript middleware cannot run on ${this.where}, which answers 404 and 405 itself; ` +
          "it runs route-table directives (cors(), header(), requireHeader()), and a group's middleware around the group's routes",
      );
    }
    if (info.directive === null) throw new TypeError(`${where}: ${info.name}: ${info.problem}`);
  }

  /**
   * Starts build/hotpath-server on this app's route table (CServer's
   * launcher); its handler routes are answered by this app's handlers
   * through the server's fallback.
   */
  override async listen(port: number, options: CServerListenOptions = {}): Promise<RunningCServer> {
    const table = routeTableOf(HotpathServer.definition(this), "fallback");  // checks again: nothing the table cannot say
    // A computed specifier: bundlers then leave c.js (node:child_process and
    // friends) out of a Worker bundle that imports this entry.
    const launcher = "../c.js";
    const { listenOnTable } = (await import(/* @vite-ignore */ launcher)) as typeof import("../c.js");
    const lines = table.split("\n").map((line) => line.replace(/\t/g, " ").slice(0, 80));
    const handlers = /^PROXY\t/m.test(table);
    return listenOnTable(table, port, options, lines, handlers ? fallbackAnswer(this) : null);
  }
}

/**
 * A HotpathServer whose requests router.wasm routes: the core answers the
 * declarative routes and the directives (cors(), header(),
 * requireHeader()) itself, with its cache; function handlers run with the
 * Context HotpathServer gives them; JavaScript middleware, notFound and
 * onError run as on HotpathServer, around the core's answers where they
 * apply.
 */
export class HotpathWasmServer extends HotpathServer {
  readonly #instance: WebAssembly.Instance;
  readonly #cache: LruCacheOptions | false | undefined;
  #host: FastWasmFetch<Response | Promise<Response>> | null = null;
  #version = -1;  // the app definition loaded into #host

  constructor(options: WasmAdapterChoice) {
    super();
    if (options.instance !== undefined) {
      this.#instance = options.instance;
    } else if (options.module !== undefined) {
      const module = options.module instanceof WebAssembly.Module ? options.module : new WebAssembly.Module(options.module);
      this.#instance = new WebAssembly.Instance(module, {});
    } else {
      throw new TypeError('Hotpath({ adapter: "wasm" }) needs { instance } or { module } (router.wasm)');
    }
    this.#cache = options.cache;
  }

  /** router.wasm's answer, on the app as defined so far (its table loaded into the instance when it changes). */
  override readonly fetch = (request: Request): Response | Promise<Response> => {
    const model = HotpathServer.definition(this);
    if (this.#host === null || this.#version !== model.version) this.#load(model);
    return this.#host!.fetch(request);
  };

  #load(model: AppModel): void {
    const routes = routeTableOf(model, "wasm");
    const plan = model.plan();
    const handlers: Record<string, Handler> = {};
    for (const { method, path, target } of model.records) if (typeof target === "function") handlers[`${method} ${path}`] = target;
    const { notFound, onError, customNotFound } = HotpathServer.errorHandlers(this);
    const hooks: WasmHostHooks = {
      onError,
      notFound,
      customNotFound,
      chainFor: plan.chainFor,
      hasChain: plan.appChain.length > 0 || model.records.some((_, i) => plan.routeChain(i).length > 0),
      routeStatus: (route) => {
        const target = model.records[route]?.target;
        return target === undefined || typeof target === "function" ? 0 : target.status;
      },
    };
    this.#host = createWasmHost({ instance: this.#instance, routes, handlers, ...(this.#cache !== undefined ? { cache: this.#cache } : {}) }, hooks);
    this.#version = model.version;
  }

  override listen(port: number, options: ListenOptions = {}): Promise<RunningServer> {
    return listen(this.fetch, port, options, "auto");
  }
}
