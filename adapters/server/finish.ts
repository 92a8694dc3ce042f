/**
 * The last step of every answer that went through the middleware chain:
 * 204 and 304 carry no body and no Content-Length; a HEAD answer has no body
 * but the status, headers and Content-Length of the GET answer.
 */
import { statusHasBody } from "../routing/answer.js";

export async function finish(response: Response, head: boolean): Promise<Response> {
  if (!statusHasBody(response.status)) {
    if (response.body === null && !response.headers.has("content-length")) return response;
    await response.body?.cancel();
    return rebuilt(response, null);
  }
  if (!head) return response;
  if (response.body === null && response.headers.has("content-length")) return response;
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
