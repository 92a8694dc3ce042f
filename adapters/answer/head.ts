/**
 * What goes in the head of an answer, for every TypeScript path (the Wasm
 * fetch adapters, HotpathServer's replies and errors, the node:http writer):
 * status, Content-Type, Content-Length or none, Allow, then any extra header
 * fields in order. The rules live here and nowhere else
 * (tests/vectors/README.md, "Rendering"):
 *
 * - 204 and 304 carry no body and no Content-Length (RFC 9110 8.6, 15.4.5);
 * - a HEAD answer is the GET answer's head, Content-Length included, and no
 *   body (RFC 9110 9.3.2);
 * - an empty content type sends no Content-Type.
 *
 * An AnswerHead is plain data; a path turns it into a ResponseInit (cached
 * where the same head repeats) or writes it to node:http.
 */
import { statusHasBody } from "../routing/answer.js";

/** An extra header line (name, value), e.g. from a route-table directive. */
export type HeaderField = readonly [name: string, value: string];

export const NO_FIELDS: readonly HeaderField[] = Object.freeze([]);

export interface AnswerHead {
  readonly status: number;
  /** "" sends no Content-Type. */
  readonly contentType: string;
  /** "" sends no Allow (only a 405 has one). */
  readonly allow: string;
  /** The Content-Length: the body's bytes (for HEAD, the GET body's); -1 for none (204, 304). */
  readonly contentLength: number;
  /** Whether the body goes out (not for HEAD, 204 or 304). */
  readonly sendsBody: boolean;
  /** Extra header fields, after the ones above, in order. */
  readonly fields: readonly HeaderField[];
}

/** The head of an answer whose (GET) body is `bodyLength` bytes; `head`: the request is HEAD. */
export function answerHead(
  status: number,
  contentType: string,
  allow: string,
  bodyLength: number,
  head: boolean,
  fields: readonly HeaderField[] = NO_FIELDS,
): AnswerHead {
  const hasBody = statusHasBody(status);
  return { status, contentType, allow, contentLength: hasBody ? bodyLength : -1, sendsBody: hasBody && !head, fields };
}

/**
 * The head as Fetch headers. By default Content-Length is written only when
 * no body goes out (HEAD): with a body, the runtime sends the body's own
 * length. `withLength` writes it in every case that has one.
 */
export function answerHeaders(head: AnswerHead, withLength = false): Headers {
  const headers = new Headers();
  if (head.contentType !== "") headers.set("content-type", head.contentType);
  if (head.allow !== "") headers.set("allow", head.allow);
  if ((withLength || !head.sendsBody) && head.contentLength >= 0) headers.set("content-length", String(head.contentLength));
  for (const [name, value] of head.fields) headers.append(name, value);
  return headers;
}

/**
 * A ResponseInit for the head. Reusable: the Response constructor copies
 * its headers (Fetch standard), so paths cache one per repeating head.
 */
export function responseInit(head: AnswerHead, withLength = false): ResponseInit {
  const headers = answerHeaders(head, withLength);
  // 200 is the default, and naming it costs a Response in Bun.
  return head.status === 200 ? { headers } : { status: head.status, headers };
}

/** A new Response: the head, and `body` when it goes out. */
export function answerResponse(head: AnswerHead, body: BodyInit | null, withLength = false): Response {
  return new Response(head.sendsBody ? body : null, responseInit(head, withLength));
}

/** An answer as data: its head and its body (sent only when head.sendsBody). */
export interface Answer {
  readonly head: AnswerHead;
  readonly body: string;
}
