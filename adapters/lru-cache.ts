/**
 * A least-recently-used cache bounded by entry count and by bytes.
 *
 * A Map finds entries; a doubly linked list through them keeps recency, most
 * recent first. A hit moves its entry to the front by relinking two pointers
 * (no Map writes, which cost more than the lookup on every runtime we
 * measured); `set` evicts from the back until both bounds hold. All
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

interface Entry<K, V> {
  key: K;
  value: V;
  bytes: number;
  newer: Entry<K, V> | null;  // towards the most recently used
  older: Entry<K, V> | null;  // towards the least recently used
}

export class LruCache<K, V> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  #map = new Map<K, Entry<K, V>>();
  #newest: Entry<K, V> | null = null;
  #oldest: Entry<K, V> | null = null;
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
    const entry = this.#map.get(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    if (entry !== this.#newest) {
      this.#unlink(entry);
      this.#pushNewest(entry);
    }
    return entry.value;
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
    if (old !== undefined) this.#remove(old);
    if (this.maxEntries === 0 || bytes > this.maxBytes) return;
    const entry: Entry<K, V> = { key, value, bytes, newer: null, older: null };
    this.#map.set(key, entry);
    this.#pushNewest(entry);
    this.#bytes += bytes;
    while (this.#map.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.#remove(this.#oldest!);
      this.#evictions++;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#newest = this.#oldest = null;
    this.#bytes = 0;
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    const keys: K[] = [];
    for (let e = this.#oldest; e !== null; e = e.newer) keys.push(e.key);
    return keys;
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

  #remove(entry: Entry<K, V>): void {
    this.#unlink(entry);
    this.#map.delete(entry.key);
    this.#bytes -= entry.bytes;
  }

  #unlink(entry: Entry<K, V>): void {
    if (entry.newer) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    entry.newer = entry.older = null;
  }

  #pushNewest(entry: Entry<K, V>): void {
    entry.older = this.#newest;
    if (this.#newest) this.#newest.newer = entry;
    this.#newest = entry;
    if (this.#oldest === null) this.#oldest = entry;
  }
}

function checkLimit(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
