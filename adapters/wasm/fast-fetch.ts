import { answerHead, responseInit } from "../answer/head.js";
import { statusHasBody } from "../routing/answer.js";
import { MAX_TARGET_LENGTH } from "../routing/limits.js";
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

// What a fresh Response for a cached answer needs: its body and init. The init is shared: the
// Response constructor copies its headers (Fetch standard), and passing a
// Headers is cheaper than a plain object in Bun.
interface CachedResponse {
  readonly body: Uint8Array<ArrayBuffer> | null;
  readonly init: ResponseInit;
}

/**
 * A fetch handler over router.wasm's fast ABI: one Wasm call per uncached
 * request, none per cached one. Every call returns a new Response; nothing
 * else is allocated per call but the body's copy out of Wasm memory.
 */
export function createFastWasmFetch(options: FastWasmFetchOptions): FastWasmFetch {
  const router = wasmRouterFor(options.instance);
  if (options.routes !== undefined) router.loadRoutes(options.routes);
  const cache = options.cache === false ? null : new LruCache<string, CachedResponse>(options.cache ?? {});
  // ResponseInits by (status, content type id, Allow mask), for the answers
  // whose Content-Length the runtime derives from the body (or that have
  // none). Valid for one table generation.
  const inits = new Map<number, ResponseInit>();
  let generation = router.generation;

  function initOf(routed: RoutedAnswer): ResponseInit {
    const sendsLength = routed.head && statusHasBody(routed.status);  // HEAD: no body, its own Content-Length
    if (!sendsLength) {
      const key = (routed.contentTypeId * 128 + routed.allowMask) * 1024 + routed.status;
      const init = inits.get(key);
      if (init !== undefined) return init;
    }
    const init = responseInit(answerHead(routed.status, routed.contentType, routed.allow, routed.bodyLength, routed.head));
    if (!sendsLength) inits.set((routed.contentTypeId * 128 + routed.allowMask) * 1024 + routed.status, init);
    return init;
  }

  // The body goes out unless HEAD, 204 or 304; it is copied out of Wasm
  // memory, which the next call reuses.
  function bodyOf(routed: RoutedAnswer): Uint8Array<ArrayBuffer> | null {
    if (routed.head || !statusHasBody(routed.status)) return null;
    return router.memory.slice(routed.bodyPtr, routed.bodyPtr + routed.bodyLength);
  }

  function fetch(request: Request): Response {
    const method = request.method;
    const target = requestTarget(request.url);
    if (router.generation !== generation) {
      cache?.clear();
      inits.clear();
      generation = router.generation;
    }
    // The query takes no part in routing, except that a target over the
    // length limit is 414 whatever its path: such targets skip the cache.
    if (cache === null || target.length > MAX_TARGET_LENGTH) {
      const routed = router.route(method, target);
      return new Response(bodyOf(routed), initOf(routed));
    }
    const key = method === "GET" ? targetPath(target) : method + " " + targetPath(target);
    const hit = cache.get(key);
    if (hit !== undefined) return new Response(hit.body, hit.init);
    const routed = router.route(method, target);
    const fresh: CachedResponse = { body: bodyOf(routed), init: initOf(routed) };
    if (routed.status < 400) cache.set(key, fresh, key.length + (fresh.body?.length ?? 0) + 64);
    return new Response(fresh.body, fresh.init);
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
