import { statusHasBody } from "../routing/answer.js";
import { MAX_TARGET_LENGTH } from "../routing/router.js";
import { LruCache, type LruCacheOptions, type LruCacheStats } from "../lru-cache.js";
import { requestTarget, targetPath } from "../routing/request-target.js";
import { type RoutedAnswer, wasmRouterFor } from "./router.js";

export interface FastWasmFetchOptions {
  /** An instance of router.wasm (WebAssembly.instantiate(module, {})). */
  instance: WebAssembly.Instance;
  /**
   * Response cache: a true LRU keyed by method and path (never host or
   * query: no route depends on them). Only 2xx and 3xx answers are cached;
   * 4xx answers are cheap to recompute and caching them would let a scan of
   * random paths evict the hot entries. `false` disables it.
   * Default: { maxEntries: 1024, maxBytes: 8 MiB }.
   */
  cache?: LruCacheOptions | false;
  /** Route-table text to load instead of the table compiled into the module. */
  routes?: string;
}

export interface FastWasmFetch {
  fetch(request: Request): Response;
  /** Replaces the table (throws RouteTableError, keeping the old one) and clears the cache. */
  loadRoutes(text: string): void;
  readonly cacheStats: LruCacheStats | null;
}

// Everything needed to build a fresh Response for a cached answer. Headers
// objects are shared: the Response constructor copies them (Fetch standard),
// and passing a Headers is cheaper than a plain object in Bun.
interface CachedAnswer {
  status: number;
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | null;
}

/**
 * A fetch handler over router.wasm's fast ABI: one Wasm call per uncached
 * request, none per cached one. Every call returns a new Response.
 */
export function createFastWasmFetch(options: FastWasmFetchOptions): FastWasmFetch {
  const router = wasmRouterFor(options.instance);
  if (options.routes !== undefined) router.loadRoutes(options.routes);
  const cache = options.cache === false ? null : new LruCache<string, CachedAnswer>(options.cache ?? {});
  // Headers by (content type id, Allow mask), for bodies whose length the
  // runtime derives itself. Valid for one table generation.
  const sharedHeaders = new Map<number, Headers>();
  let generation = router.generation;

  function answerOf(routed: RoutedAnswer): CachedAnswer {
    const hasBody = statusHasBody(routed.status);
    let headers: Headers | undefined;
    if (routed.head && hasBody) {
      headers = headersOf(routed);  // HEAD has no body: Content-Length is set
      headers.set("content-length", String(routed.body.length));
    } else {
      const key = routed.contentTypeId * 256 + routed.allowMask;
      headers = sharedHeaders.get(key);
      if (headers === undefined) sharedHeaders.set(key, (headers = headersOf(routed)));
    }
    // The body view points into Wasm memory, reused by the next call: copy it.
    const body = routed.head || !hasBody ? null : routed.body.slice();
    return { status: routed.status, headers, body };
  }

  function fetch(request: Request): Response {
    const method = request.method;
    const target = requestTarget(request.url);
    if (router.generation !== generation) {
      cache?.clear();
      sharedHeaders.clear();
      generation = router.generation;
    }
    // The query takes no part in routing, except that a target over the
    // length limit is 414 whatever its path: such targets skip the cache.
    if (cache === null || target.length > MAX_TARGET_LENGTH) return toResponse(answerOf(router.route(method, target)));
    const key = method === "GET" ? targetPath(target) : method + " " + targetPath(target);
    const hit = cache.get(key);
    if (hit !== undefined) return toResponse(hit);
    const fresh = answerOf(router.route(method, target));
    if (fresh.status < 400) cache.set(key, fresh, key.length + (fresh.body?.length ?? 0) + 64);
    return toResponse(fresh);
  }

  return {
    fetch,
    loadRoutes(text: string) {
      router.loadRoutes(text);
    },
    get cacheStats() {
      return cache === null ? null : cache.stats;
    },
  };
}

function headersOf(routed: RoutedAnswer): Headers {
  const headers = new Headers();
  if (routed.contentType !== "") headers.set("content-type", routed.contentType);
  if (routed.allow !== "") headers.set("allow", routed.allow);
  return headers;
}

function toResponse(a: CachedAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}
