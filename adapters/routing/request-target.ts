/**
 * The request target (path and query, as sent) of a Request, taken from
 * request.url without a URL parse: everything from the first '/' after
 * "scheme://authority". Fetch runtimes hand us an absolute, normalised URL.
 */
export function requestTarget(url: string): string {
  const slash = url.indexOf("/", authorityStart(url));
  if (slash < 0) return "/";
  const hash = url.indexOf("#", slash);
  return hash < 0 ? url.slice(slash) : url.slice(slash, hash);
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
