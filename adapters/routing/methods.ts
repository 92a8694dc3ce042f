/**
 * HTTP methods as the router knows them (router/method.h owns the order;
 * tests/ts/router/constants.test.ts checks this file against it).
 *
 * Routes name one of GET HEAD POST PUT PATCH DELETE OPTIONS or ANY. A
 * request may carry any token: those outside the list get OTHER_METHOD,
 * which only ANY routes accept. A method is never looked up as an object
 * property, so "constructor" or "__proto__" is just another unknown token.
 */

/** Route methods; ANY accepts every request method, including unlisted ones. */
export type RouteMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "ANY";

/** The order of the Allow header, the bit order of Allow masks and the method codes (bit i = code i). */
export const ALLOW_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Every route method, ANY last: the TSV METHOD column and the verbs of the route builders. */
export const ROUTE_METHODS: readonly RouteMethod[] = [...ALLOW_ORDER, "ANY"];

export const GET = 0;
export const HEAD = 1;
/** The code of every request method outside ALLOW_ORDER (router/method.h kOther). */
export const OTHER_METHOD = 7;
/** Method codes: 0..6 in ALLOW_ORDER, then OTHER_METHOD. */
export const METHOD_CODE_COUNT = 8;

/** A request method's code: exact and case-sensitive (RFC 9110 9.1), "get" is OTHER_METHOD. */
export function methodCode(method: string): number {
  switch (method) {
    case "GET":
      return 0;
    case "HEAD":
      return 1;
    case "POST":
      return 2;
    case "PUT":
      return 3;
    case "PATCH":
      return 4;
    case "DELETE":
      return 5;
    case "OPTIONS":
      return 6;
    default:
      return OTHER_METHOD;
  }
}

export function isRouteMethod(text: string): text is RouteMethod {
  return text === "ANY" || methodCode(text) !== OTHER_METHOD;
}

// Every mask's text, made once (128 masks of 7 bits).
const ALLOW_TEXTS: readonly string[] = Array.from({ length: 1 << ALLOW_ORDER.length }, (_, mask) =>
  ALLOW_ORDER.filter((_, bit) => mask & (1 << bit)).join(", "),
);

/** The Allow header value for a mask: "GET, HEAD, POST" (router/method.cpp format_allow). */
export function allowText(mask: number): string {
  return ALLOW_TEXTS[mask & 0x7f]!;
}
