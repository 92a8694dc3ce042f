/**
 * A least-recently-used cache bounded by entry count and by bytes.
 *
 * A JavaScript Map iterates in insertion order, so re-inserting an entry on
 * every hit keeps the least recently used entry first: `get` refreshes
 * recency, `set` evicts from the front until both bounds hold. All
 * operations are O(1) (amortised for eviction).
 */
export interface LruCacheOptions {
  /** Most entries kept (default 1024). 0 disables the cache. */
  maxEntries?: number;
  /** Most bytes kept, as reported by the size given to `set` (default 8 MiB). */
  maxBytes?: number;
}

export interface LruCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Slot<V> {
  value: V;
  bytes: number;
}

export class LruCache<K, V> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  #map = new Map<K, Slot<V>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: LruCacheOptions = {}) {
    this.maxEntries = checkLimit("maxEntries", options.maxEntries ?? 1024);
    this.maxBytes = checkLimit("maxBytes", options.maxBytes ?? 8 * 1024 * 1024);
  }

  /** The value for `key`, now the most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.value;
  }

  /** Whether `key` is cached, without touching its recency. */
  has(key: K): boolean {
    return this.#map.has(key);
  }

  /**
   * Stores `value` as the most recently used entry. A value larger than
   * maxBytes on its own is not stored.
   */
  set(key: K, value: V, bytes: number): void {
    const old = this.#map.get(key);
    if (old !== undefined) {
      this.#map.delete(key);
      this.#bytes -= old.bytes;
    }
    if (this.maxEntries === 0 || bytes > this.maxBytes) return;
    this.#map.set(key, { value, bytes });
    this.#bytes += bytes;
    while (this.#map.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#map.keys().next().value as K;
      this.#bytes -= this.#map.get(oldest)!.bytes;
      this.#map.delete(oldest);
      this.#evictions++;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.#map.keys()];
  }

  get stats(): LruCacheStats {
    return {
      entries: this.#map.size,
      bytes: this.#bytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}

function checkLimit(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
