/**
 * The request target (path and query, as sent) of a Request, taken from
 * request.url without a URL parse: everything from the first '/' after
 * "scheme://authority". Fetch runtimes hand us an absolute, normalised URL.
 */
export function requestTarget(url: string): string {
  const authority = url.indexOf("//");
  const slash = url.indexOf("/", authority < 0 ? 0 : authority + 2);
  if (slash < 0) return "/";
  const hash = url.indexOf("#", slash);
  return hash < 0 ? url.slice(slash) : url.slice(slash, hash);
}

/** The path part of a target: what routing (and the cache key) depends on. */
export function targetPath(target: string): string {
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}
