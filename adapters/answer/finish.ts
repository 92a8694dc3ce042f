/**
 * The last step of every answer a handler or middleware made: 204 and 304
 * carry no body and no Content-Length; a HEAD answer has no body but the
 * status, headers and Content-Length of the GET answer (the rules of
 * answer/head.ts, applied to a Response someone else built).
 */
import { statusHasBody } from "../routing/answer.js";

/** Whether `response` already obeys the rules, so finish would return it as it is. */
export function finishedAlready(response: Response, head: boolean): boolean {
  if (!statusHasBody(response.status)) return response.body === null && !response.headers.has("content-length");
  if (head) return response.body === null && response.headers.has("content-length");
  return true;
}

export async function finish(response: Response, head: boolean): Promise<Response> {
  if (finishedAlready(response, head)) return response;
  if (!statusHasBody(response.status)) {
    await response.body?.cancel();
    return rebuilt(response, null);
  }
  let length = response.headers.get("content-length");
  if (length === null) length = String((await response.arrayBuffer()).byteLength);
  else await response.body?.cancel();
  return rebuilt(response, length);
}

function rebuilt(response: Response, contentLength: string | null): Response {
  const headers = new Headers(response.headers);
  if (contentLength === null) headers.delete("content-length");
  else headers.set("content-length", contentLength);
  return new Response(null, { status: response.status, statusText: response.statusText, headers });
}
