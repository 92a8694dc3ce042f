/**
 * Declarative replies on HotpathServer routes: compiled once when the route
 * is added, rendered per request with the core renderer, so an answer is the
 * same here as from a route table on the Wasm or native path.
 */
import { statusHasBody } from "../routing/answer.js";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "../routing/render.js";
import { checkReply, type Reply } from "../reply.js";
import { byteLength } from "./responses.js";

export interface CompiledReply {
  readonly reply: Reply;
  readonly status: number;
  readonly template: CompiledTemplate;
  /** Never mutated: each Response copies it (Fetch standard). */
  readonly headers: Headers;
  /** The body's UTF-8 length when it has no placeholder, else -1. */
  readonly fixedLength: number;
}

/**
 * `params`: the route's parameter names. A template placeholder naming none
 * of them throws RouteDefinitionError; a non-templated body is used verbatim.
 */
export function compileReply(reply: Reply, params: readonly string[], origin: string): CompiledReply {
  checkReply(reply);
  const template: CompiledTemplate = reply.templated
    ? compileTemplate(reply.body, reply.contentType, params, origin)
    : { mode: "raw", parts: [], fixed: reply.body };
  const headers = new Headers();
  if (reply.contentType !== "") headers.set("content-type", reply.contentType);
  const fixedLength = template.fixed === null ? -1 : byteLength(template.fixed);
  return { reply, status: reply.status, template, headers, fixedLength };
}

/** The UTF-8 length of `body`, rendered from `compiled` (known in advance when it has no placeholder). */
export function replyLength(compiled: CompiledReply, body: string): number {
  return compiled.fixedLength >= 0 ? compiled.fixedLength : byteLength(body);
}

/** A new Response for one request; HEAD gets no body and the GET's Content-Length. */
export function replyResponse(compiled: CompiledReply, params: Readonly<Record<string, string>>, head: boolean): Response {
  const { status, headers } = compiled;
  if (!statusHasBody(status)) return new Response(null, { status, headers });
  const body = compiled.template.fixed ?? renderTemplate(compiled.template, params);
  if (!head) return new Response(body, { status, headers });
  const headHeaders = new Headers(headers);
  headHeaders.set("content-length", String(replyLength(compiled, body)));
  return new Response(null, { status, headers: headHeaders });
}
