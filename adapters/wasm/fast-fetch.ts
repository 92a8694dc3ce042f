import { errorResponse } from "../answer/errors.js";
import { answerHead, responseInit } from "../answer/head.js";
import { headerSetStatus } from "../routing/directives.js";
import { statusHasBody } from "../routing/answer.js";
import { MAX_TARGET_LENGTH } from "../routing/limits.js";
import { NO_PARAMS } from "../routing/match.js";
import { LruCache, type LruCacheOptions, type LruCacheStats } from "../lru-cache.js";
import { requestTarget, targetPath } from "../routing/request-target.js";
import { runChain, type Step } from "../server/compose.js";
import { bunRuntime } from "../server/bun-types.js";
import { Context } from "../server/context.js";
import { callHandler, safeErrorHandler, settle, type SafeErrorHandler } from "../server/respond.js";
import type { Handler, Middleware } from "../server/types.js";
import { bindHandlers, type BoundHandlers } from "./handlers.js";
import { type RoutedAnswer, type WasmHeaderFields, wasmRouterFor } from "./router.js";

export interface FastWasmFetchOptions {
  /** An instance of router.wasm (WebAssembly.instantiate(module, {})). */
  instance: WebAssembly.Instance;
  /**
   * Response cache: a true LRU keyed by method and path (never host or
   * query: no route depends on them), and by the values of the request
   * headers the table's directives read, when they read any. Only 2xx and
   * 3xx answers of the table itself are cached, never a handler's; 4xx
   * answers are cheap to recompute and caching them would let a scan of
   * random paths evict the hot entries. `false` disables it.
   * Default: { maxEntries: 1024, maxBytes: 8 MiB }.
   */
  cache?: LruCacheOptions | false;
  /** Route-table text to load instead of the table compiled into the module. */
  routes?: string;
  /**
   * The handlers of the table's handler routes (PROXY, PROXY_UNIX,
   * PROXY_TCP lines), keyed "METHOD PATH" as the line writes them:
   * `{ "GET /users/:id": (c) => c.json({ id: c.params.id }) }`. Each gets the
   * Context HotpathServer handlers get, with the parameters the core
   * decoded. A handler route without a handler, or a handler naming no
   * route, throws when the table loads.
   */
  handlers?: Readonly<Record<string, Handler>>;
}

/** `Answer`: Response, or with handlers, Response | Promise<Response> (a handler may be async). */
export interface FastWasmFetch<Answer extends Response | Promise<Response> = Response> {
  fetch(request: Request): Answer;
  /** Replaces the table (throws RouteTableError, or for handlers that do not fit it an Error, keeping the old one) and clears the cache. */
  loadRoutes(text: string): void;
  readonly cacheStats: LruCacheStats | null;
}

/**
 * @internal What a host around the core adds (HotpathWasmServer): the
 * JavaScript middleware of each request, its notFound and onError.
 */
export interface WasmHostHooks {
  readonly onError: SafeErrorHandler;
  /** For c.notFound(): the app's not-found answer. */
  readonly notFound: (c: Context) => Response | Promise<Response>;
  /** Whether a custom notFound answers 404 instead of the core. */
  customNotFound(): boolean;
  /** The JavaScript middleware that runs for a request (route index or -1, target), null when none. */
  chainFor(route: number, target: string): Middleware[] | null;
  /** Whether any middleware can run at all (else chainFor is never asked). */
  readonly hasChain: boolean;
  /** A reply route's own status (0 for a handler route): tells a 401 the route answers from a directive's. */
  routeStatus(route: number): number;
}

// What a fresh Response for a cached answer needs: its body and init. The init is shared: the
// Response constructor copies its headers (Fetch standard), and passing a
// Headers is cheaper than a plain object in Bun.
interface CachedResponse {
  readonly body: string | Uint8Array<ArrayBuffer> | null;
  readonly init: ResponseInit;
  /** On Bun: a Response never sent, whose clone() each hit returns. */
  readonly original: Response | null;
}

// Bun's Response.clone() shares the body and copies the head, for less
// than a new Response from a string and a Headers. Elsewhere (undici,
// workerd) clone() tees the body's stream: cloning one Response again
// and again chains tees that no one reads, so there a hit makes a new one.
const cloneHits = bunRuntime() !== undefined;

// A cached body is kept as a string when its bytes are UTF-8 (what a
// route table's bodies are): a runtime makes a Response from a string
// with less work than from bytes, which it must copy (Node's undici:
// about 1 µs a call). Bytes that are not UTF-8 stay bytes; the string
// encodes back to exactly the bytes (fatal, and a BOM kept). Only with a
// Content-Type: given a string and none, a runtime would add its own.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function cachedBody(body: Uint8Array<ArrayBuffer> | null): string | Uint8Array<ArrayBuffer> | null {
  if (body === null) return null;
  try {
    return utf8.decode(body);
  } catch {
    return body.slice();  // out of the Wasm memory the next call reuses
  }
}

const defaultNotFound = (): Response => errorResponse(404, "", false);

/**
 * A fetch handler over router.wasm's fast ABI: one Wasm call per uncached
 * request, none per cached one. Every call returns a new Response; nothing
 * else is allocated per call but the body's copy out of Wasm memory. With
 * handlers, the core routes every request and answers the table's routes;
 * a handler route's handler answers with a Response (or a promise of one),
 * which gets the directives' fields.
 */
export function createFastWasmFetch(options: FastWasmFetchOptions & { handlers: Readonly<Record<string, Handler>> }): FastWasmFetch<Response | Promise<Response>>;
export function createFastWasmFetch(options: FastWasmFetchOptions): FastWasmFetch;
export function createFastWasmFetch(options: FastWasmFetchOptions): FastWasmFetch<Response | Promise<Response>> {
  return createWasmHost(options, null);
}

/** @internal createFastWasmFetch with a host's middleware, notFound and onError. */
export function createWasmHost(options: FastWasmFetchOptions, hooks: WasmHostHooks | null): FastWasmFetch<Response | Promise<Response>> {
  const router = wasmRouterFor(options.instance);
  const handlers = options.handlers ?? {};
  const onError = hooks?.onError ?? safeErrorHandler(() => null);
  const notFound = hooks?.notFound ?? defaultNotFound;
  let bound: BoundHandlers;
  let loadedText: string | null = null;  // null: the built-in table
  const load = (text: string | null) => {
    const previous = loadedText;
    if (text === null) router.loadBuiltinRoutes();
    else router.loadRoutes(text);
    try {
      bound = bindHandlers(router, handlers, true);
    } catch (error) {
      // Handlers that do not fit the table: the old table keeps serving.
      if (previous === null) router.loadBuiltinRoutes();
      else router.loadRoutes(previous);
      bound = bindHandlers(router, handlers, false);
      throw error;
    }
    loadedText = text;
  };
  if (options.routes !== undefined) load(options.routes);
  else bound = bindHandlers(router, handlers, true);
  const cache = options.cache === false ? null : new LruCache<string, CachedResponse>(options.cache ?? {});
  // ResponseInits by (status, content type id, Allow mask), and by header
  // set, for the answers whose Content-Length the runtime derives from the
  // body (or that have none). Valid for one table generation.
  const inits = new Map<number, ResponseInit>();
  const initsWithFields = new Map<string, ResponseInit>();
  let generation = router.generation;
  // The request's values of the headers the table reads (router.neededHeaders), refilled per request.
  const values: (string | null)[] = [];

  function initOf(routed: RoutedAnswer, fields: WasmHeaderFields): ResponseInit {
    const sendsLength = routed.head && statusHasBody(routed.status);  // HEAD: no body, its own Content-Length
    const key = (routed.contentTypeId * 128 + routed.allowMask) * 1024 + routed.status;
    const cacheable = !sendsLength && routed.echo === "";
    if (cacheable) {
      const init = fields.length === 0 ? inits.get(key) : initsWithFields.get(`${key} ${routed.headerSet}`);
      if (init !== undefined) return init;
    }
    const all = routed.echo === "" ? fields : [...fields, ["Access-Control-Allow-Headers", routed.echo] as const];
    const init = responseInit(answerHead(routed.status, routed.contentType, routed.allow, routed.bodyLength, routed.head, all));
    if (cacheable) {
      if (fields.length === 0) inits.set(key, init);
      else initsWithFields.set(`${key} ${routed.headerSet}`, init);
    }
    return init;
  }

  // The body goes out unless HEAD, 204 or 304: a view of Wasm memory,
  // which the next call reuses. A Response copies a view's bytes when it
  // is made (Fetch standard: "extract a body"), so a view that goes
  // straight into one is safe, and saves the ArrayBuffer a slice makes.
  function bodyOf(routed: RoutedAnswer): Uint8Array<ArrayBuffer> | null {
    if (routed.head || !statusHasBody(routed.status)) return null;
    return router.memory.subarray(routed.bodyPtr, routed.bodyPtr + routed.bodyLength) as Uint8Array<ArrayBuffer>;
  }

  function resync(): void {
    cache?.clear();
    inits.clear();
    initsWithFields.clear();
    generation = router.generation;
    // The table changed under this adapter (another one loaded it): its
    // handler routes are matched again, those without a handler answer 502.
    bound = bindHandlers(router, handlers, false);
  }

  function readValues(request: Request): readonly (string | null)[] | null {
    const names = router.neededHeaders;
    if (names.length === 0) return null;
    const headers = request.headers;
    values.length = names.length;
    for (let i = 0; i < names.length; i++) values[i] = headers.get(names[i]!);
    return values;
  }

  function fetch(request: Request): Response | Promise<Response> {
    const method = request.method;
    const target = requestTarget(request.url);
    if (router.generation !== generation) resync();
    const headerValues = readValues(request);
    // The query takes no part in routing, except that a target over the
    // length limit is 414 whatever its path: such targets skip the cache.
    if (cache === null || target.length > MAX_TARGET_LENGTH) {
      return answer(router.route(method, target, headerValues), request, target, null);
    }
    let key = method === "GET" ? targetPath(target) : method + " " + targetPath(target);
    if (headerValues !== null) for (const value of headerValues) key += value === null ? "\n\r" : "\n" + value;  // no header value holds CR or LF
    const hit = cache.get(key);
    if (hit !== undefined) return hit.original !== null ? hit.original.clone() : new Response(hit.body, hit.init);
    return answer(router.route(method, target, headerValues), request, target, key);
  }

  // The answer to a routed request; `key`: where the table's own answer may be cached.
  function answer(routed: RoutedAnswer, request: Request, target: string, key: string | null): Response | Promise<Response> {
    const fields = router.headerFields(routed.headerSet);
    if (hooks !== null && hooks.hasChain && !directiveAnswered(routed, hooks)) {
      const chain = hooks.chainFor(routed.route, target);
      if (chain !== null) return throughChain(routed, request, target, fields, chain);
    }
    if (routed.handler) return handlerAnswer(routed, request, target, fields);
    if (hooks !== null && routed.route < 0 && routed.status === 404 && hooks.customNotFound()) {
      const c = new Context(request, target, NO_PARAMS, notFound);
      c.useFields(fields);
      return settleStep(c, notFound, routed.head);
    }
    const body = bodyOf(routed);
    const init = initOf(routed, fields);
    if (key !== null && routed.status < 400) {
      const kept = routed.contentType === "" ? (body?.slice() ?? null) : cachedBody(body);
      cache!.set(key, { body: kept, init, original: cloneHits ? new Response(kept, init) : null }, key.length + (body?.length ?? 0) + 64);
    }
    return new Response(body, init);
  }

  function handlerAnswer(routed: RoutedAnswer, request: Request, target: string, fields: WasmHeaderFields): Response | Promise<Response> {
    const handler = bound.byRoute[routed.route];
    if (handler === undefined) return errorResponse(502, "", routed.head, fields);
    const c = new Context(request, target, routed.paramCount === 0 ? NO_PARAMS : null, notFound);
    if (routed.paramCount !== 0) {
      const route = routed.route;
      c.lazyParams(() => router.params(route));
      // Read only if the handler asks; before the next request reuses the memory, if it may still ask.
      router.holdUntilReuse(() => c.settleParams());
    }
    c.useFields(fields);
    const result = callHandler(handler, c, routed.head, onError);
    // A handler that answered at once is done with its parameters.
    if (!(result instanceof Promise)) router.holdUntilReuse(null);
    return result;
  }

  // JavaScript middleware in the way: the core's answer (or the handler, or
  // notFound) is the chain's last step; the fields go on last.
  function throughChain(routed: RoutedAnswer, request: Request, target: string, fields: WasmHeaderFields, chain: Middleware[]): Promise<Response> {
    const c = new Context(request, target, routed.paramCount === 0 ? NO_PARAMS : router.params(routed.route), notFound);
    c.useFields(fields);
    let final: Step;
    if (routed.handler) {
      const handler = bound.byRoute[routed.route];
      final = handler ?? (() => errorResponse(502, "", routed.head));
    } else if (routed.route < 0 && routed.status === 404 && hooks!.customNotFound()) {
      final = notFound;
    } else {
      // Made now: the body leaves Wasm memory before anything else runs.
      const core = new Response(bodyOf(routed), initOf(routed, []));
      final = () => core;
    }
    const head = routed.head;
    return runChain(c, chain, final, onError).then(() => settle(c, head, onError));
  }

  function settleStep(c: Context, step: Step, head: boolean): Promise<Response> {
    return runChain(c, [], step, onError).then(() => settle(c, head, onError));
  }

  return {
    fetch,
    loadRoutes(text: string) {
      load(text);
    },
    get cacheStats() {
      return cache === null ? null : cache.stats;
    },
  };
}

// A preflight or a failed REQUIRE_HEADER: the core's answer, before any
// JavaScript runs (as the table's chain on every path).
function directiveAnswered(routed: RoutedAnswer, hooks: WasmHostHooks): boolean {
  if (routed.handler) return false;
  const set = headerSetStatus(routed.headerSet);
  if (set !== 0) return true;
  // A 401 with no fields has no set: it is the directive's unless the route itself answers 401.
  return routed.status === 401 && (routed.route < 0 || hooks.routeStatus(routed.route) !== 401);
}
