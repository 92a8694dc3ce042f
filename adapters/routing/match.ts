/**
 * What the TypeScript router answers for a request (the C++ core's Match):
 * the route and its decoded parameters, or one of the router's own errors.
 * Every Match has the same fields in the same order, so code reading them
 * sees one object shape. Matches without parameters are made once and
 * reused; only a route with parameters makes a new one per request.
 */
import { allowText, type RouteMethod } from "./methods.js";

/** Route parameters by name, percent-decoded. */
export type Params = Readonly<Record<string, string>>;

/** One route as added: its method, pattern and the caller's value. */
export interface RouteEntry<T> {
  method: RouteMethod;
  /** The pattern as written: /users/:id, /files/*path */
  path: string;
  value: T;
  /**
   * An explicit HEAD route that only declares a GET twin (a table's HEAD line
   * with an empty body): it never answers itself when the twin exists.
   */
  headDeclaration?: boolean;
  /** For error messages: "line 7" or "route 3". */
  origin?: string;
}

export interface RouteMatch<T> {
  readonly kind: "route";
  readonly entry: RouteEntry<T>;
  readonly params: Params;
  readonly status: 0;
  readonly allow: "";
  /** A HEAD request: answer with the headers, without the body. */
  readonly head: boolean;
}

export interface ErrorMatch {
  readonly kind: "error";
  readonly entry: null;
  readonly params: Params;
  readonly status: 400 | 404 | 405 | 414;
  /** The Allow header of a 405, else "". */
  readonly allow: string;
  readonly head: boolean;
}

export type Match<T> = RouteMatch<T> | ErrorMatch;

/** The params of a route without parameters (shared, so frozen). */
export const NO_PARAMS: Params = Object.freeze({});

export function routeMatch<T>(entry: RouteEntry<T>, params: Params, head: boolean): RouteMatch<T> {
  return { kind: "route", entry, params, status: 0, allow: "", head };
}

function errorMatch(status: ErrorMatch["status"], allow: string, head: boolean): ErrorMatch {
  return Object.freeze({ kind: "error", entry: null, params: NO_PARAMS, status, allow, head });
}

// [status][head]; 405 by Allow mask * 2 + head.
const FIXED: Record<400 | 404 | 414, readonly [ErrorMatch, ErrorMatch]> = {
  400: [errorMatch(400, "", false), errorMatch(400, "", true)],
  404: [errorMatch(404, "", false), errorMatch(404, "", true)],
  414: [errorMatch(414, "", false), errorMatch(414, "", true)],
};
const NOT_ALLOWED: ErrorMatch[] = Array.from({ length: 256 }, (_, i) => errorMatch(405, allowText(i >> 1), (i & 1) === 1));

/** The router's error answer (made once per status, mask and HEAD). */
export function errorOf(status: 400 | 404 | 414, head: boolean): ErrorMatch {
  return FIXED[status][head ? 1 : 0];
}

export function notAllowed(mask: number, head: boolean): ErrorMatch {
  return NOT_ALLOWED[((mask & 0x7f) << 1) | (head ? 1 : 0)]!;
}
