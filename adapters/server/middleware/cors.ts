/**
 * cors(options): the CORS directive (MIDDLEWARE CORS), the Fetch
 * standard's CORS protocol as tests/vectors/README.md ("Directives") states
 * it, evaluated by the one port (routing/directives.ts). The options are
 * read as the table's CORS line would be (parseCors), so each means here
 * what it means in a table:
 *
 * - origin "*" (default): `Access-Control-Allow-Origin: *`, no Vary. One
 *   origin (a string, or a list of one): always sent, with `Vary: Origin`.
 *   Several: the request's Origin when it is exactly one of them, else none.
 * - methods: Access-Control-Allow-Methods of preflights (empty or left out:
 *   GET, HEAD, PUT, POST, DELETE, PATCH).
 * - allowHeaders: Access-Control-Allow-Headers of preflights; empty or left
 *   out: the request's Access-Control-Request-Headers, echoed (then Vary
 *   names it).
 *
 * A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered 204 whatever the path, before routing. Options a table cannot
 * hold (an origin function, exposeHeaders) make an ordinary middleware with
 * the same rules, which only the JavaScript paths run.
 */
import type { HeaderField } from "../../answer/head.js";
import type { CorsPolicy, HeaderFields } from "../../routing/directives.js";
import { parseCors } from "../../routing/table-directives.js";
import type { Context } from "../context.js";
import type { Middleware } from "../types.js";
import { oneStep, refuse, runStep, tableStep, withDirective } from "./directive.js";

export interface CorsOptions {
  /**
   * Allowed origins: "*" (default), one origin, a list (the request's Origin
   * when listed, else no Access-Control-Allow-Origin; a list of one is that
   * origin alone), or a function returning the value to send (null: none).
   */
  origin?: string | readonly string[] | ((origin: string, c: Context) => string | null | undefined);
  /** Access-Control-Allow-Methods of preflight answers. */
  methods?: readonly string[];
  /** Access-Control-Allow-Headers of preflight answers (default, or []: the requested ones). */
  allowHeaders?: readonly string[];
  /** Access-Control-Expose-Headers (a route table cannot hold it). */
  exposeHeaders?: readonly string[];
  /** Access-Control-Max-Age of preflight answers, in seconds. */
  maxAge?: number;
  /** Access-Control-Allow-Credentials: true. Needs an explicit origin (browsers refuse "*" with it). */
  credentials?: boolean;
}

// Stands for an origin function's answer while the line is checked.
const SOME_ORIGIN = "https://origin.invalid";

export function cors(options: CorsOptions = {}): Middleware {
  const origin = options.origin ?? "*";
  if (options.credentials === true && origin === "*") {
    throw new TypeError("cors(): credentials: true needs an explicit origin (browsers refuse '*' with credentials)");
  }
  const maxAge = options.maxAge;
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) throw new RangeError(`cors(): maxAge must be a whole number of seconds, got ${maxAge}`);
  if (Array.isArray(origin)) {
    if (origin.length === 0) throw new TypeError("cors(): origin: [] allows no origin; list one or more, or leave cors() out");
    const bad = origin.find((o) => typeof o !== "string" || o.includes(","));
    if (bad !== undefined) throw new TypeError(`cors(): invalid origin ${JSON.stringify(bad)} (an origin is a string without ',')`);
  }
  // The table's CORS line for these options; its parser says what is valid.
  const fields = [
    "MIDDLEWARE",
    "CORS",
    typeof origin === "function" ? SOME_ORIGIN : typeof origin === "string" ? origin : origin.join(","),
    (options.methods ?? []).join(","),
    (options.allowHeaders ?? []).join(","),
    options.credentials === true ? "true" : "false",
    maxAge === undefined ? "" : String(maxAge),
  ];
  let policy: CorsPolicy;
  try {
    policy = parseCors(fields, refuse);
  } catch (error) {
    throw new TypeError(`cors(): ${(error as Error).message}`);
  }
  const expose = (options.exposeHeaders ?? []).join(", ");
  if (expose !== "") new Headers().set("access-control-expose-headers", expose);  // a bad name fails here
  const problem =
    typeof origin === "function" ? "an origin function (a table holds fixed origins)"
    : expose !== "" ? "exposeHeaders (a table has no Access-Control-Expose-Headers)"
    : null;
  const step = problem === null ? tableStep(() => ({ kind: "cors", line: 0, cors: policy }), ...fields) : { directive: null, problem };

  const extra: HeaderField | undefined = expose === "" ? undefined : ["access-control-expose-headers", expose];
  let fn: Middleware;
  if (typeof origin === "function") {
    // The function picks the origin; the rest is the table's rule for one origin.
    fn = (c, next) => {
      const allowed = origin(c.req.headers.get("origin") ?? "", c) ?? null;
      const table = oneStep({ kind: "cors", line: 0, cors: { ...policy, origins: [allowed ?? SOME_ORIGIN] } });
      return runStep(table, c, next, allowed === null ? withoutOrigin : undefined, extra);
    };
  } else {
    const table = oneStep({ kind: "cors", line: 0, cors: policy });
    fn = (c, next) => runStep(table, c, next, undefined, extra);
  }
  return withDirective(fn, { name: "cors()", ...step });
}

function withoutOrigin(fields: HeaderFields): HeaderFields {
  return fields.filter(([name]) => name !== "Access-Control-Allow-Origin");
}
