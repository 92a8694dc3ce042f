/**
 * The answers HotpathServer makes itself: the router's errors (the same on
 * every path, tests/vectors/README.md) and the default 500. Each call makes
 * a new Response: bodies are single-use.
 */
import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../routing/answer.js";
import { TEXT_TYPE } from "../reply.js";

const encoder = new TextEncoder();

/** The byte length of a string as UTF-8, without encoding ASCII. */
export function byteLength(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return encoder.encode(text).length;
  }
  return text.length;
}

/** 400, 404, 405 (with Allow) or 414; for HEAD no body but its Content-Length. */
export function errorResponse(status: number, allow: string, head: boolean): Response {
  const body = ERROR_BODIES[status] ?? "";
  const headers = new Headers({ "content-type": ERROR_CONTENT_TYPE });
  if (allow !== "") headers.set("allow", allow);
  if (!head) return new Response(body, { status, headers });
  headers.set("content-length", String(byteLength(body)));
  return new Response(null, { status, headers });
}

/** The default answer for a thrown handler: no detail, no stack trace. */
export function internalError(): Response {
  return new Response("Internal Server Error", { status: 500, headers: { "content-type": TEXT_TYPE } });
}
