/**
 * The answers Hotpath makes itself, the same status, content type and body
 * on every path: the router's (400, 404, 405, 414; tests/vectors/README.md,
 * "Rendering"), the directives' 401, a body over the limit (413), a handler
 * route nobody handles (502), and a failure of ours or of a handler (500),
 * which never shows detail. Each body is the status's reason phrase, as
 * router/answer.cpp gives it.
 */
export const ERROR_CONTENT_TYPE = "text/plain; charset=utf-8";

export const ERROR_BODIES: Readonly<Record<number, string>> = Object.freeze({
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  414: "URI Too Long",
  500: "Internal Server Error",
  502: "Bad Gateway",
});

/** 204 and 304 carry no body and no Content-Length (RFC 9110 8.6). */
export function statusHasBody(status: number): boolean {
  return status !== 204 && status !== 304;
}
