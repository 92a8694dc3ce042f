// The response cache: a true LRU (recency refreshed by hits, eviction of the
// least recently used, entry and byte bounds), alone and inside
// createFastWasmFetch on the real router.wasm.
import { describe, expect, it } from "vitest";

import { createFastWasmFetch, LruCache } from "../../../adapters/wasm.js";
import { newInstance } from "../support/node-files.js";

describe("LruCache", () => {
  it("evicts the least recently used entry, and a hit refreshes recency", () => {
    const cache = new LruCache<string, number>({ maxEntries: 3 });
    cache.set("a", 1, 1);
    cache.set("b", 2, 1);
    cache.set("c", 3, 1);
    expect(cache.get("a")).toBe(1);  // a is now the most recent
    cache.set("d", 4, 1);            // evicts b, not a (a FIFO would evict a)
    expect(cache.has("b")).toBe(false);
    expect(cache.keys()).toEqual(["c", "a", "d"]);
    expect(cache.stats).toMatchObject({ entries: 3, hits: 1, evictions: 1 });
  });

  it("keeps the byte budget, evicting as many old entries as needed", () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxBytes: 10 });
    cache.set("a", "x", 4);
    cache.set("b", "y", 4);
    cache.set("c", "z", 7);  // 15 > 10: a goes, 11 > 10: b goes too
    expect(cache.keys()).toEqual(["c"]);
    expect(cache.stats.bytes).toBe(7);
    cache.set("huge", "w", 11);  // larger than the whole budget: not stored
    expect(cache.has("huge")).toBe(false);
    expect(cache.keys()).toEqual(["c"]);
  });

  it("replacing a key updates its size and recency", () => {
    const cache = new LruCache<string, number>({ maxEntries: 2, maxBytes: 100 });
    cache.set("a", 1, 10);
    cache.set("b", 2, 10);
    cache.set("a", 3, 50);
    expect(cache.keys()).toEqual(["b", "a"]);
    expect(cache.stats.bytes).toBe(60);
    expect(cache.get("a")).toBe(3);
  });

  it("maxEntries 0 stores nothing; bad limits are rejected", () => {
    const cache = new LruCache<string, number>({ maxEntries: 0 });
    cache.set("a", 1, 1);
    expect(cache.get("a")).toBeUndefined();
    expect(() => new LruCache({ maxEntries: -1 })).toThrow(RangeError);
    expect(() => new LruCache({ maxBytes: 1.5 })).toThrow(RangeError);
  });
});

describe("createFastWasmFetch's cache", () => {
  const get = (path: string, method = "GET") => new Request(`http://h${path}`, { method });

  it("is keyed by method and path, not query or host, and refreshes recency on hits", async () => {
    const app = createFastWasmFetch({ instance: await newInstance(), cache: { maxEntries: 2 } });
    await app.fetch(get("/hello/a")).text();
    await app.fetch(get("/hello/b")).text();
    expect(await app.fetch(new Request("http://other.host/hello/a?q=1")).text()).toBe("hello a");  // hit
    await app.fetch(get("/hello/c")).text();  // evicts /hello/b, the least recently used
    const before = app.cacheStats!;
    expect(before).toMatchObject({ entries: 2, hits: 1, evictions: 1 });
    await app.fetch(get("/hello/a")).text();
    expect(app.cacheStats!.hits).toBe(2);
    await app.fetch(get("/hello/b")).text();
    expect(app.cacheStats!.misses).toBe(before.misses + 1);
    await app.fetch(get("/hello/a", "HEAD")).text();  // HEAD is its own key
    expect(app.cacheStats!.misses).toBe(before.misses + 2);
  });

  it("does not cache 4xx answers", async () => {
    const app = createFastWasmFetch({ instance: await newInstance(), cache: { maxEntries: 10 } });
    for (let i = 0; i < 5; i++) expect(app.fetch(get(`/missing/${i}`)).status).toBe(404);
    expect(app.fetch(get("/json", "POST")).status).toBe(405);
    expect(app.cacheStats!.entries).toBe(0);
  });

  it("respects the byte budget", async () => {
    const instance = await newInstance();
    const app = createFastWasmFetch({
      instance,
      routes: "GET\t/big/:n\t200\ttext/plain\t" + "x".repeat(1000) + "{n}\n",
      cache: { maxEntries: 100, maxBytes: 3000 },
    });
    for (let i = 0; i < 10; i++) expect((await app.fetch(get(`/big/${i}`)).text()).length).toBe(1001);
    expect(app.cacheStats!.entries).toBeLessThanOrEqual(2);
    expect(app.cacheStats!.bytes).toBeLessThanOrEqual(3000);
  });

  it("returns a fresh Response every time: bodies are single-use", async () => {
    const app = createFastWasmFetch({ instance: await newInstance() });
    const first = app.fetch(get("/hello/rai"));
    const second = app.fetch(get("/hello/rai"));
    expect(first).not.toBe(second);
    expect(await first.text()).toBe("hello rai");
    expect(first.bodyUsed).toBe(true);
    expect(await second.text()).toBe("hello rai");
    const third = app.fetch(get("/hello/rai"));
    new Uint8Array(await third.arrayBuffer()).fill(0);  // scribbling on a copy
    expect(await app.fetch(get("/hello/rai")).text()).toBe("hello rai");
  });

  it("answers a hit with the bytes of the miss: multi-byte UTF-8, a leading BOM, a body of 0 bytes", async () => {
    // A hit's body is kept as a string; these are the bytes where a string
    // could differ from them (a decoder that drops a BOM, or a lossy one).
    const app = createFastWasmFetch({
      instance: await newInstance(),
      routes: "GET\t/hello/:name\t200\ttext/plain\thello {name}\nGET\t/bom\t200\ttext/plain\t\uFEFF\uFEFFx\u00e9\nGET\t/empty\t200\ttext/plain\t\n",
    });
    for (const [path, hex] of [
      ["/hello/%C3%A9%F0%9F%98%80", "68656c6c6f20c3a9f09f9880"],
      ["/hello/%EF%BB%BF", "68656c6c6f20efbbbf"],
      ["/bom", "efbbbfefbbbf78c3a9"],
      ["/empty", ""],
    ] as const) {
      for (const turn of ["miss", "hit"]) {
        const response = app.fetch(get(path));
        expect([turn, response.status, Buffer.from(await response.arrayBuffer()).toString("hex")]).toEqual([turn, 200, hex]);
        const head = app.fetch(get(path, "HEAD"));
        expect([turn, head.headers.get("content-length")]).toEqual([turn, String(hex.length / 2)]);
      }
    }
    expect(app.cacheStats).toMatchObject({ hits: 8, misses: 8 });
  });

  it("gives every hit a Response of its own: changing one's headers or reading its body leaves the next as the first", async () => {
    // On Bun a hit is a clone of a Response kept with the entry; elsewhere
    // a new Response from the kept body and init. Either way no caller
    // reaches what the cache holds.
    const app = createFastWasmFetch({ instance: await newInstance() });
    const first = app.fetch(get("/hello/rai"));
    const head = [...first.headers];
    expect(await first.text()).toBe("hello rai");
    for (let i = 0; i < 300; i++) {
      const hit = app.fetch(get("/hello/rai"));
      expect([...hit.headers]).toEqual(head);
      hit.headers.set("content-type", "application/x-changed");
      hit.headers.append("x-added", String(i));
      // Every third left unread: the next is made all the same.
      if (i % 3 !== 0) expect(await hit.text()).toBe("hello rai");
    }
    expect(app.cacheStats).toMatchObject({ hits: 300, misses: 1 });
  });

  it("an answer keeps its body after later calls reuse the Wasm memory it came from", async () => {
    for (const cache of [false, { maxEntries: 16 }] as const) {
      const app = createFastWasmFetch({ instance: await newInstance(), cache });
      const pending = ["/hello/first", "/hello/a-much-longer-second-name", "/hello/3", "/json"].map((path) => app.fetch(get(path)));
      const bodies = await Promise.all(pending.reverse().map((response) => response.text()));
      expect([JSON.stringify(cache), ...bodies]).toEqual([JSON.stringify(cache), '{"ok":true}', "hello 3", "hello a-much-longer-second-name", "hello first"]);
    }
  });

  it("is cleared when the table changes", async () => {
    const app = createFastWasmFetch({ instance: await newInstance() });
    expect(await app.fetch(get("/hello/rai")).text()).toBe("hello rai");
    app.loadRoutes("GET\t/hello/:name\t200\ttext/plain\thi {name}\n");
    expect(await app.fetch(get("/hello/rai")).text()).toBe("hi rai");
  });

  it("HEAD has the GET's length and type and no body; JSON routes are application/json", async () => {
    const app = createFastWasmFetch({ instance: await newInstance() });
    for (let i = 0; i < 2; i++) {
      const head = app.fetch(get("/hello/rai", "HEAD"));
      expect(head.headers.get("content-length")).toBe("9");
      expect(head.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(head.body).toBeNull();
      const json = app.fetch(get("/json"));
      expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await json.json()).toEqual({ ok: true });
    }
  });

  it("serves long paths whole: no truncation up to the 8 KB target limit, then 414", async () => {
    const app = createFastWasmFetch({ instance: await newInstance() });
    const name = "n".repeat(8192 - "/hello/".length);
    const ok = app.fetch(get(`/hello/${name}`));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(`hello ${name}`);
    expect(app.fetch(get(`/hello/${name}x`)).status).toBe(414);
  });
});

describe("createFastWasmFetch's cache and the target limit", () => {
  it("never answers an overlong target from the cache entry of its path", async () => {
    const app = createFastWasmFetch({ instance: await newInstance() });
    expect(await app.fetch(new Request("http://h/hello/a?x=1")).text()).toBe("hello a");
    const long = new Request(`http://h/hello/a?${"q".repeat(8192)}`);
    expect(app.fetch(long).status).toBe(414);
  });
});
