/**
 * Hotpath's own answers as Responses (routing/answer.ts has their bodies):
 * 400, 404, 405 with Allow, 413, 414, and the 500 that never shows detail.
 * Each head is made once per status, Allow and HEAD; each call makes a new
 * Response (bodies are single-use).
 */
import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../routing/answer.js";
import { utf8Length } from "../routing/utf8.js";
import { answerHead, NO_FIELDS, responseInit, type AnswerHead, type HeaderField } from "./head.js";

export interface Prepared {
  readonly head: AnswerHead;
  readonly init: ResponseInit;
  readonly body: string;
}

const prepared = new Map<string, Prepared>();

/** The head and body of Hotpath's answer `status` (a status of ERROR_BODIES). */
export function errorAnswer(status: number, allow: string, head: boolean): Prepared {
  const key = `${status} ${head ? "HEAD" : "GET"} ${allow}`;
  let answer = prepared.get(key);
  if (answer === undefined) {
    const body = ERROR_BODIES[status] ?? "";
    const h = answerHead(status, ERROR_CONTENT_TYPE, allow, utf8Length(body), head);
    answer = { head: h, init: responseInit(h), body };
    prepared.set(key, answer);
  }
  return answer;
}

// With a directive field set: per set (one array per set), then as above.
const withFields = new WeakMap<readonly HeaderField[], Map<string, Prepared>>();

/** errorAnswer with the directives' fields (`fields`: one array per set, as the plan gives it). */
export function errorAnswerWith(status: number, allow: string, head: boolean, fields: readonly HeaderField[]): Prepared {
  if (fields.length === 0) return errorAnswer(status, allow, head);
  let byKey = withFields.get(fields);
  if (byKey === undefined) withFields.set(fields, (byKey = new Map()));
  const key = `${status} ${head ? "HEAD" : "GET"} ${allow}`;
  let answer = byKey.get(key);
  if (answer === undefined) {
    const body = ERROR_BODIES[status] ?? "";
    const h = answerHead(status, ERROR_CONTENT_TYPE, allow, utf8Length(body), head, fields);
    answer = { head: h, init: responseInit(h), body };
    byKey.set(key, answer);
  }
  return answer;
}

/** 400, 404, 405 (with Allow), 413 or 414; for HEAD no body but its Content-Length. With the directives' fields, if any. */
export function errorResponse(status: number, allow: string, head: boolean, fields: readonly HeaderField[] = NO_FIELDS): Response {
  const answer = fields.length === 0 ? errorAnswer(status, allow, head) : errorAnswerWith(status, allow, head, fields);
  return new Response(answer.head.sendsBody ? answer.body : null, answer.init);
}

/** The answer for a thrown handler or a failure of ours: no detail, no stack trace. */
export function internalError(): Response {
  return errorResponse(500, "", false);
}
