/**
 * Declarative replies on HotpathServer routes: compiled once when the route
 * is added, rendered per request with the core renderer, so an answer is the
 * same here as from a route table on the Wasm or native path. Heads come
 * from answer/head.ts; the ones that cannot change are made once here.
 */
import { answerHead, NO_FIELDS, responseInit, type AnswerHead, type HeaderField } from "../answer/head.js";
import { statusHasBody } from "../routing/answer.js";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "../routing/render.js";
import type { Params } from "../routing/match.js";
import { utf8Length } from "../routing/utf8.js";
import { checkReply, type Reply } from "../reply.js";

export interface CompiledReply {
  readonly reply: Reply;
  readonly status: number;
  readonly template: CompiledTemplate;
  /** The body's UTF-8 length when it has no placeholder, else -1. */
  readonly fixedLength: number;
  /** The ResponseInit of a GET (or other non-HEAD) answer: never mutated, copied by each Response. */
  readonly init: ResponseInit;
  /** The ResponseInit of the HEAD answer when it is fixed (no placeholder, or no body), else null. */
  readonly headInit: ResponseInit | null;
}

/**
 * `params`: the route's parameter names. A template placeholder naming none
 * of them throws RouteDefinitionError; a non-templated body is used verbatim.
 */
export function compileReply(reply: Reply, params: readonly string[], origin: string): CompiledReply {
  checkReply(reply);
  const template: CompiledTemplate = reply.templated
    ? compileTemplate(reply.body, reply.contentType, params, origin)
    : { mode: "raw", parts: [], fixed: reply.body, render: null };
  const fixedLength = template.fixed === null ? -1 : utf8Length(template.fixed);
  const fixedHead = template.fixed !== null || !statusHasBody(reply.status);
  return {
    reply,
    status: reply.status,
    template,
    fixedLength,
    init: responseInit(replyHead(reply, Math.max(fixedLength, 0), false)),
    headInit: fixedHead ? responseInit(replyHead(reply, Math.max(fixedLength, 0), true)) : null,
  };
}

/** The head of this reply's answer to one request (`body`: the rendered body), with the directives' fields. */
export function replyHead(reply: Reply, bodyLength: number, head: boolean, fields: readonly HeaderField[] = NO_FIELDS): AnswerHead {
  return answerHead(reply.status, reply.contentType, "", bodyLength, head, fields);
}

/** The rendered body (the fixed one when there is no placeholder). */
export function replyBody(compiled: CompiledReply, params: Params): string {
  return compiled.template.fixed ?? renderTemplate(compiled.template, params);
}

/** A new Response for one request; HEAD gets no body and the GET's Content-Length. */
export function replyResponse(compiled: CompiledReply, params: Params, head: boolean): Response {
  if (!head) return new Response(statusHasBody(compiled.status) ? replyBody(compiled, params) : null, compiled.init);
  if (compiled.headInit !== null) return new Response(null, compiled.headInit);
  return new Response(null, responseInit(replyHead(compiled.reply, utf8Length(replyBody(compiled, params)), true)));
}

// ResponseInits with a field set, per set (the plan's frozen array for it)
// and reply: [GET, HEAD when fixed].
const withFields = new WeakMap<readonly HeaderField[], Map<CompiledReply, [ResponseInit, ResponseInit | null]>>();

/** replyResponse with the directives' fields (`fields`: one array per set, as the plan gives it). */
export function replyResponseWith(compiled: CompiledReply, params: Params, head: boolean, fields: readonly HeaderField[]): Response {
  if (fields.length === 0) return replyResponse(compiled, params, head);
  let byReply = withFields.get(fields);
  if (byReply === undefined) withFields.set(fields, (byReply = new Map()));
  let inits = byReply.get(compiled);
  if (inits === undefined) {
    const length = Math.max(compiled.fixedLength, 0);
    const fixedHead = compiled.headInit !== null;
    inits = [responseInit(replyHead(compiled.reply, length, false, fields)), fixedHead ? responseInit(replyHead(compiled.reply, length, true, fields)) : null];
    byReply.set(compiled, inits);
  }
  if (!head) return new Response(statusHasBody(compiled.status) ? replyBody(compiled, params) : null, inits[0]);
  if (inits[1] !== null) return new Response(null, inits[1]);
  return new Response(null, responseInit(replyHead(compiled.reply, utf8Length(replyBody(compiled, params)), true, fields)));
}
