/**
 * A HotpathServer app as hotpath-server's fallback answer: the server routed
 * the request (route `index` of routeTableOf(app, "fallback"), one line per
 * route in definition order), ran the table's directives and decoded the
 * parameters; this runs what is left, as HotpathServer itself would: the
 * route's JavaScript middleware (group `use()`), then its handler (or its
 * reply, when middleware made it a handler route), with the same Context,
 * onError and HEAD/204/304 rules (respond.ts). The directives' fields are
 * the server's to add (it writes the fallback's answer with them).
 *
 * Type-only imports of the fallback: this module stays loadable in a Worker.
 */
import { errorResponse } from "../answer/errors.js";
import type { FallbackAnswer } from "../fallback/serve.js";
import { patternParams } from "../routing/pattern.js";
import { requestTarget } from "../routing/request-target.js";
import { HotpathServer } from "./app.js";
import { compileReply, replyResponse, type CompiledReply } from "./compiled-reply.js";
import { runChain, type Step } from "./compose.js";
import { Context } from "./context.js";
import { callHandler, settle } from "./respond.js";
import type { Handler } from "./types.js";

/** @internal The fallback answer of `app` as defined now (later routes are not seen: the table was written from this definition). */
export function fallbackAnswer(app: HotpathServer): FallbackAnswer {
  const model = HotpathServer.definition(app);
  const plan = model.plan();
  const { notFound, onError } = HotpathServer.errorHandlers(app);
  const targets: (Handler | CompiledReply)[] = model.records.map((record) => {
    if (typeof record.target === "function") return record.target;
    const origin = `route ${record.method} ${JSON.stringify(record.path)}`;
    return compileReply(record.target, patternParams(record.path, origin), origin);
  });
  return (request, route) => {
    const target = targets[route.index];
    const head = request.method === "HEAD";
    // The server and this app were given different tables: not this app's route.
    if (target === undefined) return errorResponse(502, "", head);
    const path = requestTarget(request.url);
    const c = new Context(request, path, paramsOf(route.params), notFound);
    const chain = plan.chainFor(route.index, path);
    if (chain === null && typeof target === "function") return callHandler(target, c, head, onError);
    const final: Step = typeof target === "function" ? target : (ctx) => replyResponse(target, ctx.params, head);
    return runChain(c, chain ?? [], final, onError).then(() => settle(c, head, onError));
  };
}

// The core names a bare `*` "" (its value is no parameter in HotpathServer).
function paramsOf(params: Record<string, string>): Record<string, string> {
  if (!Object.hasOwn(params, "")) return params;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (name !== "") out[name] = value;
  return out;
}
