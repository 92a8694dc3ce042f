/** Route methods; ANY accepts every request method, including unlisted ones. */
export type RouteMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "ANY";

/** The order of the Allow header (and the bit order of Allow masks). */
export const ALLOW_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export const ROUTE_METHODS: readonly RouteMethod[] = [...ALLOW_ORDER, "ANY"];

export function isRouteMethod(text: string): text is RouteMethod {
  return (ROUTE_METHODS as readonly string[]).includes(text);
}
