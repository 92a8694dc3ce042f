import { LruCache, type LruCacheOptions, type LruCacheStats } from "../lru-cache.js";
import { requestTarget, targetPath } from "./request-target.js";
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

// Everything needed to build a fresh Response for a cached answer.
interface CachedAnswer {
  status: number;
  headers: Record<string, string>;
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
  let generation = router.generation;

  function fetch(request: Request): Response {
    const method = request.method;
    const target = requestTarget(request.url);
    if (cache === null) return toResponse(answerOf(router.route(method, target)));
    if (router.generation !== generation) {
      cache.clear();
      generation = router.generation;
    }
    const key = method + " " + targetPath(target);
    const hit = cache.get(key);
    if (hit !== undefined) return new Response(hit.body, { status: hit.status, headers: hit.headers });
    const fresh = answerOf(router.route(method, target));
    if (fresh.status < 400) cache.set(key, fresh, key.length + (fresh.body?.length ?? 0) + 64);
    return toResponse(fresh);
  }

  return {
    fetch,
    loadRoutes(text: string) {
      router.loadRoutes(text);
      cache?.clear();
      generation = router.generation;
    },
    get cacheStats() {
      return cache === null ? null : cache.stats;
    },
  };
}

/** Status, headers and body of a routed answer, detached from Wasm memory. */
function answerOf(routed: RoutedAnswer): CachedAnswer {
  const headers: Record<string, string> = {};
  if (routed.contentType !== "") headers["content-type"] = routed.contentType;
  const sendsLength = routed.status !== 204 && routed.status !== 304;
  if (sendsLength) headers["content-length"] = String(routed.body.length);
  if (routed.allow !== "") headers["allow"] = routed.allow;
  // The body view points into Wasm memory, reused by the next call: copy it.
  const body = routed.head || !sendsLength ? null : routed.body.slice();
  return { status: routed.status, headers, body };
}

function toResponse(a: CachedAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}
