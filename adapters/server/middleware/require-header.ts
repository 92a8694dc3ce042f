/**
 * requireHeader(name, value): a REQUIRE_HEADER directive. A request whose
 * field `name` (fields of one name joined by ", ") is not exactly `value`
 * (a shared secret: compared byte for byte, in time that does not depend
 * on where they differ) is answered 401 "Unauthorized" before the route
 * runs; for Authorization, the 401 names the expected scheme in
 * WWW-Authenticate (RFC 9110 11.6.1). The rules are the table's
 * (tests/vectors/README.md, "Directives"), evaluated by the one port.
 */
import { parseHeaderStep, requireStep } from "../../routing/table-directives.js";
import type { Middleware } from "../types.js";
import { oneStep, refuse, runStep, tableStep, withDirective } from "./directive.js";

export function requireHeader(name: string, value: string): Middleware {
  new Headers().set(name, value);  // a bad name or value fails here
  const step = tableStep(() => parseHeaderStep("require", name, value, 0, refuse), value);
  // The function form runs the same step, also where a table could not hold it.
  const table = oneStep(step.directive ?? requireStep(name, value, 0));
  const fn: Middleware = (c, next) => runStep(table, c, next);
  return withDirective(fn, { name: `requireHeader(${JSON.stringify(name)})`, ...step });
}
