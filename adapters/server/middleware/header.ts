/**
 * header(name, value): a HEADER directive (MIDDLEWARE HEADER, or
 * ROUTE_MIDDLEWARE HEADER on a group's routes): the field goes on every
 * answer it runs for (routes, handlers, 404, 405, 401 alike), replacing the
 * answer's own field of that name.
 */
import { parseHeaderStep } from "../../routing/table-directives.js";
import { byteString } from "../../routing/utf8.js";
import type { Middleware } from "../types.js";
import { refuse, tableStep, withDirective } from "./directive.js";

export function header(name: string, value: string): Middleware {
  new Headers().set(name, value);  // a bad name or value fails here, not on the first request
  // The value's UTF-8 bytes, as a table line sends them (routing/utf8.ts byteString).
  const bytes = byteString(value);
  const fn: Middleware = async (c, next) => {
    c.header(name, bytes);
    await next();
  };
  const step = tableStep(() => parseHeaderStep("header", name, value, 0, refuse), value);
  return withDirective(fn, { name: `header(${JSON.stringify(name)})`, ...step });
}
