/**
 * The request target (path and query, as sent) of a Request, taken from
 * request.url without a URL parse: everything from the first '/' after
 * "scheme://authority". Fetch runtimes hand us an absolute, normalised URL.
 */
export function requestTarget(url: string): string {
  return targetAt(url, targetStart(url));
}

/**
 * Where the target starts in `url` (its first '/' after the authority), or
 * -1 when it has none. Hosts hand the router `url` and this offset rather
 * than the slice: reading a slice's characters costs V8 and JavaScriptCore
 * about 40-90 ns a request (they go through its parent), more than the walk.
 */
export function targetStart(url: string): number {
  return url.indexOf("/", authorityStart(url));
}

/** The target of `url` that starts at `start` (targetStart's; -1 gives "/"): up to a '#'. */
export function targetAt(url: string, start: number): string {
  if (start < 0) return "/";
  const hash = url.indexOf("#", start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}

// Where the authority starts: after "http://" or "https://" without a
// search, else after the first "//".
function authorityStart(url: string): number {
  if (url.charCodeAt(4) === 0x3a && url.charCodeAt(5) === 0x2f && url.charCodeAt(6) === 0x2f) return 7;
  if (url.charCodeAt(5) === 0x3a && url.charCodeAt(6) === 0x2f && url.charCodeAt(7) === 0x2f) return 8;
  const authority = url.indexOf("//");
  return authority < 0 ? 0 : authority + 2;
}

/** The path part of a target: what routing (and the cache key) depends on. */
export function targetPath(target: string): string {
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}
