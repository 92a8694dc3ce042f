/**
 * The router's own answers (400, 404, 405, 414), the directives' 401 and the
 * 502 of a handler route nobody handles: the same status, content type and
 * body on every path (tests/vectors/README.md, "Rendering"); each body is
 * the status's reason phrase, as router/answer.cpp gives it.
 */
export const ERROR_CONTENT_TYPE = "text/plain; charset=utf-8";

export const ERROR_BODIES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  414: "URI Too Long",
  502: "Bad Gateway",
};

/** 204 and 304 carry no body and no Content-Length (RFC 9110 8.6). */
export function statusHasBody(status: number): boolean {
  return status !== 204 && status !== 304;
}
