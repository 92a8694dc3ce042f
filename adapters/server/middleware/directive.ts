/**
 * Middleware that is also a route-table directive. cors(), header() and
 * requireHeader() return a plain middleware function (it runs wherever
 * middleware runs) that carries, under DIRECTIVE, the step a route table
 * would hold for it (routing/directives.ts), or the reason a table cannot
 * hold it. HotpathServer runs the steps it can with the port (no chain),
 * toRouteTable writes them as MIDDLEWARE / ROUTE_MIDDLEWARE lines, and the
 * Wasm and native paths leave them to the core.
 *
 * The function form evaluates its own step with the same port
 * (evaluateDirectives on a table of that one step), so a directive answers
 * alike whichever way it runs.
 */
import { answerHead, answerResponse, type HeaderField } from "../../answer/head.js";
import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../../routing/answer.js";
import { evaluateDirectives, headerSetFields, type Directive, type DirectiveTable, type HeaderFields } from "../../routing/directives.js";
import { byteString, utf8Length } from "../../routing/utf8.js";
import type { Context } from "../context.js";
import type { Middleware } from "../types.js";

/** The property of a directive middleware that holds its DirectiveInfo. */
export const DIRECTIVE: unique symbol = Symbol.for("@hotpath/server.directive");

export interface DirectiveInfo {
  /** The call that made it, for messages: `cors()`, `header("x-app")`. */
  readonly name: string;
  /** The step a route table holds for it; null when a table cannot hold it. */
  readonly directive: Directive | null;
  /** Why a table cannot hold it (then directive is null). */
  readonly problem: string | null;
}

/** Marks `fn` as the function form of a directive. */
export function withDirective(fn: Middleware, info: DirectiveInfo): Middleware {
  Object.defineProperty(fn, DIRECTIVE, { value: Object.freeze(info) });
  return fn;
}

/** The directive a middleware carries, or null for any other middleware. */
export function directiveInfo(fn: Middleware): DirectiveInfo | null {
  return (fn as { [DIRECTIVE]?: DirectiveInfo })[DIRECTIVE] ?? null;
}

const NO_STEPS: readonly Directive[] = [];

/** A table of one MIDDLEWARE step. */
export function oneStep(directive: Directive): DirectiveTable {
  return { middleware: [directive], routeDirectives: () => NO_STEPS };
}

/** The request's field value as Headers.get gives it (fields of one name joined by ", "). */
export function requestHeader(c: Context): (name: string) => string | null {
  const headers = c.req.headers;
  return (name) => headers.get(name);
}

/**
 * The answer a step makes (a preflight's 204, a REQUIRE_HEADER's 401) with
 * its fields (and a preflight's echoed Access-Control-Allow-Headers).
 */
export function directiveResponse(status: 204 | 401, fields: HeaderFields, echo: string | null, head: boolean): Response {
  return answerResponse(directiveHead(status, fields, echo, head), status === 401 ? ERROR_BODIES[401]! : null);
}

export function directiveHead(status: 204 | 401, fields: HeaderFields, echo: string | null, head: boolean) {
  const all: readonly HeaderField[] = echo === null ? fields : [...fields, ["Access-Control-Allow-Headers", echo]];
  return status === 204
    ? answerHead(204, "", "", 0, head, all)
    : answerHead(401, ERROR_CONTENT_TYPE, "", utf8Length(ERROR_BODIES[401]!), head, all);
}

/**
 * Runs one step as middleware: a preflight or a 401 answers at once; fields
 * go on whatever answer the request ends with (a Vary is added to the
 * answer's own, as the table adds it; the others replace the answer's).
 * `adjust` may change the fields (a cors() origin function drops its
 * Access-Control-Allow-Origin); `extra` is one more field for answers that
 * pass (cors()'s Access-Control-Expose-Headers).
 */
export function runStep(
  table: DirectiveTable,
  c: Context,
  next: () => Promise<void>,
  adjust?: (fields: HeaderFields) => HeaderFields,
  extra?: HeaderField,
): Response | Promise<void> {
  const outcome = evaluateDirectives(table, -1, c.req.method, requestHeader(c));
  let fields: HeaderFields = headerSetFields(table, outcome.headerSet).map(([name, value]) => [name, byteString(value)] as const);
  if (adjust !== undefined) fields = adjust(fields);
  if (outcome.status !== 0) return directiveResponse(outcome.status, fields, outcome.echo, false);
  for (const [name, value] of fields) c.header(name, value, { append: name.toLowerCase() === "vary" });
  if (extra !== undefined) c.header(extra[0], extra[1]);
  return next();
}

/** Thrown by `fail` inside tableStep: the table's reason for refusing a step. */
class Refused extends Error {}

/** The table parser's `fail`, for steps built from options rather than lines. */
export function refuse(reason: string): never {
  throw new Refused(reason);
}

/**
 * The step `build` makes with the table's own checks (build calls refuse()
 * with the table's reason), or the reason a table cannot hold it. A tab in
 * a value is allowed by the rules but cannot be written in a tab-separated
 * line, so it is refused here.
 */
export function tableStep(build: () => Directive, ...values: string[]): Pick<DirectiveInfo, "directive" | "problem"> {
  if (values.some((value) => value.includes("\t"))) return { directive: null, problem: "a tab in a value cannot be written in a route table line" };
  try {
    return { directive: build(), problem: null };
  } catch (error) {
    if (error instanceof Refused) return { directive: null, problem: error.message };
    throw error;
  }
}

/** The middleware of a table's step (HotpathServer.fromRouteTable): its function form, carrying the step. */
export function fromDirective(d: Directive): Middleware {
  let fn: Middleware;
  let name: string;
  if (d.kind === "header") {
    name = `header(${JSON.stringify(d.name)})`;
    const bytes = byteString(d.value);
    fn = async (c, next) => {
      c.header(d.name, bytes);
      await next();
    };
  } else {
    name = d.kind === "cors" ? "cors()" : `requireHeader(${JSON.stringify(d.name)})`;
    const table = oneStep(d);
    fn = (c, next) => runStep(table, c, next);
  }
  return withDirective(fn, { name, directive: d, problem: null });
}
