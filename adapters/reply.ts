/**
 * Declarative replies: what a route answers, as data. Every execution path
 * (the native server through its route table, later the Bun/Node router)
 * serves the same object the same way, so a route never depends on code
 * that only one path can run.
 *
 *   app.get("/", text("ok"))
 *   app.get("/hello/:name", template("hello {name}"))
 *   app.get("/users/:id", jsonTemplate({ id: "{id}" }))
 */
import { contentTypeProblem } from "./routing/content-type.js";

export interface Reply {
  readonly kind: "reply";
  /** 200 to 599. */
  readonly status: number;
  /** Sent as Content-Type: printable ASCII; "" sends none (allowed for 204 and 304 only). */
  readonly contentType: string;
  /** The body text; empty for 204 and 304. */
  readonly body: string;
  /** `{name}` in body is a placeholder for the route parameter `name`. */
  readonly templated: boolean;
}

export const TEXT_TYPE = "text/plain; charset=utf-8";
export const HTML_TYPE = "text/html; charset=utf-8";
export const JSON_TYPE = "application/json; charset=utf-8";

/** A fixed text body (default text/plain). */
export function text(body: string, status = 200, contentType = TEXT_TYPE): Reply {
  return reply(body, status, contentType, false);
}

/** A fixed HTML body (default text/html). */
export function html(body: string, status = 200, contentType = HTML_TYPE): Reply {
  return reply(body, status, contentType, false);
}

/** A value serialised once with JSON.stringify (default application/json). */
export function json(value: unknown, status = 200, contentType = JSON_TYPE): Reply {
  return reply(stringify(value, "json"), status, contentType, false);
}

/**
 * A text body with `{name}` placeholders for route parameters (default
 * text/plain). Values are substituted raw for text types and escaped for
 * HTML, XML and JSON types (tests/vectors/README.md, "Rendering").
 */
export function template(body: string, status = 200, contentType = TEXT_TYPE): Reply {
  return reply(body, status, contentType, true);
}

/**
 * A JSON value whose string leaves (or keys) may hold `{name}` placeholders,
 * serialised with JSON.stringify (default application/json). Each value is
 * JSON-string-escaped when substituted, so `{ id: "{id}" }` served for
 * `/users/x","admin":true` is `{"id":"x\",\"admin\":true"}`: a parameter can
 * never add a key or end the document.
 */
export function jsonTemplate(value: unknown, status = 200, contentType = JSON_TYPE): Reply {
  return reply(stringify(value, "jsonTemplate"), status, contentType, true);
}

/** Whether `value` is a reply made by these helpers (or shaped like one). */
export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "reply";
}

/**
 * Throws unless `value` is a well-formed reply. The helpers check what they
 * build; consumers (the table writer) check again because plain JavaScript
 * callers can hand over any object with `kind: "reply"`.
 */
export function checkReply(value: Reply): void {
  const { status, contentType, body, templated } = value;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`reply status must be an integer from 200 to 599, got ${String(status)}`);
  }
  if (typeof contentType !== "string") throw new TypeError("reply content type must be a string");
  // A route table's rule (a reply must mean the same written to one).
  const problem = contentTypeProblem(contentType, status);
  if (problem !== null) throw new RangeError(`reply: ${problem}`);
  if (typeof body !== "string") throw new TypeError("reply body must be a string");
  if (typeof templated !== "boolean") throw new TypeError("reply templated must be a boolean");
  if ((status === 204 || status === 304) && body !== "") {
    throw new RangeError(`a ${status} reply has no body, got ${JSON.stringify(body.slice(0, 40))}`);
  }
}

function reply(body: string, status: number, contentType: string, templated: boolean): Reply {
  const value: Reply = { kind: "reply", status, contentType, body, templated };
  checkReply(value);
  return Object.freeze(value);
}

// JSON.stringify returns undefined (not a string) for undefined, functions
// and symbols: a route with such a body is a mistake, not an empty answer.
function stringify(value: unknown, helper: string): string {
  const body: unknown = JSON.stringify(value);
  if (typeof body !== "string") throw new TypeError(`${helper}(): ${typeof value} has no JSON form`);
  return body;
}
