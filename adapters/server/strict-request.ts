/**
 * hotpath-server's request rules, for the JavaScript listeners: what a
 * request head must be before anything routes it. node:http (llhttp) and
 * Bun.serve parse HTTP/1.1 themselves and let through some requests that
 * hotpath-server refuses (two Host fields, an invalid Host, a
 * Transfer-Encoding other than chunked, a fragment in the target, ...);
 * both listeners call `checkRequest` on the head the runtime parsed, before
 * routing, and refuse with the status hotpath-server gives, then close.
 *
 * The rules are native/http_parser.cpp's (parse_request_head: the request
 * line, the fields, then "semantics") and native/request_target.cpp's, in
 * the same order and with the same statuses, stated in native/README.md
 * ("HTTP/1.1 behaviour") and SECURITY.md ("What is rejected, and why"); the
 * socket cases (tests/ts/support/http1-cases.ts) hold every listener to
 * them. What the runtime decides before JavaScript runs (its own 400s, a
 * connection it desynchronises) cannot be checked here: SECURITY.md lists it
 * per runtime.
 *
 * What a runtime hides is not seen here either: node:http trims OWS around
 * values; Bun joins repeated fields into one (", ") and encodes bytes of the
 * target it does not accept. The head size is therefore counted as
 * hotpath-server counts a head written the usual way: the request line, each
 * field as `name: value` CRLF, and the final CRLF.
 */
import { asciiNoCase, listElements, owsCut, owsSkipped, trimOws } from "../routing/field-syntax.js";
import { ALLOW_ORDER } from "../routing/methods.js";
import { MAX_TARGET_LENGTH } from "../routing/router.js";
import type { ServerLimits } from "./limits.js";

/** A request head as the runtime parsed it. */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin form, absolute form or "*"). */
  readonly target: string;
  /** "1.1", "1.0", or the version the runtime read ("0.9", "2.0"). */
  readonly version: string;
  /** Field names and values, flat: [name, value, name, value, ...] (node:http's rawHeaders). */
  readonly fields: readonly string[];
}

/** checkRequest: accepted, no body to read. */
export const NO_BODY = 0;
/** checkRequest: accepted, with a body (a Content-Length over 0, or chunked). */
export const HAS_BODY = 1;

/**
 * A request line this long or longer answers 414 (native/limits.h,
 * kMaxRequestLineBytes: the router's target limit plus room for the method
 * and the version).
 */
export const MAX_REQUEST_LINE_BYTES = MAX_TARGET_LENGTH + 64;

/** Header field lines per request; more: 431 (router/directive.h, kMaxHeaderFields). */
export const MAX_HEADER_FIELDS = 128;

/** The Allow of `OPTIONS *`: every method a route can name (native/http1_session.cpp, kEveryRouteMethod). */
export const SERVER_WIDE_ALLOW = ALLOW_ORDER.join(", ");

/**
 * NO_BODY or HAS_BODY for a request hotpath-server would serve; otherwise
 * the status it refuses it with (400, 413, 414, 431, 501, 505), always
 * followed by a close.
 */
export function checkRequest(head: RequestHead, limits: ServerLimits): number {
  // ---- request line (RFC 9112 3) ----
  const { method, target, version, fields } = head;
  const line = method.length + target.length + 10;  // METHOD SP target SP HTTP/x.y
  if (line >= MAX_REQUEST_LINE_BYTES) return 414;
  if (version !== "1.1" && version !== "1.0") return 505;
  if (target === "" || TARGET_BYTE_INVALID.test(target)) return 400;

  // ---- header fields (RFC 9112 5, RFC 9110 5.5) ----
  if (fields.length > 2 * MAX_HEADER_FIELDS) return 431;
  let headBytes = line + 4;  // CRLF after the line, the final CRLF
  let hosts = 0;
  let length = -1;
  let codings: string | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    headBytes += name.length + value.length + 4;
    if (FIELD_VALUE_BYTE_INVALID.test(value)) return 400;
    switch (name.length) {
      case 4:
        if (asciiNoCase(name, 0, "host")) {
          ++hosts;
          if (!HOST_VALUE.test(value)) return 400;  // RFC 9112 3.2: an invalid Host value is 400
        }
        break;
      case 14:
        if (asciiNoCase(name, 0, "content-length")) {
          length = contentLength(value, length);
          if (length === INVALID) return 400;
        }
        break;
      case 17:
        if (asciiNoCase(name, 0, "transfer-encoding")) {
          if (trimOws(value) === "") return 400;  // no coding at all: nothing frames the body
          codings = codings === null ? value : `${codings},${value}`;
        }
        break;
    }
  }
  if (headBytes > limits.maxHeaderBytes) return 431;

  // ---- semantics (RFC 9112 3.2, 6) ----
  if (version === "1.1" ? hosts !== 1 : hosts > 1) return 400;
  if (codings !== null) {
    // 6.1: TE in HTTP/1.0 may be refused; 6.3: TE with CL, or a final coding
    // other than chunked, cannot be framed reliably.
    if (version === "1.0" || length !== -1) return 400;
    const framing = transferCodings(codings);
    if (framing !== CHUNKED) return framing;
    return targetFormIsValid(method, target) ? HAS_BODY : 400;
  }
  // A declared body over the limit is refused before any of it is read
  // (and before a 100 Continue invites it: RFC 9110 10.1.1, 15.5.14).
  if (length > limits.maxBodyBytes) return 413;

  // ---- the target's form (native/request_target.cpp, in start_request) ----
  if (!targetFormIsValid(method, target)) return 400;
  return length > 0 ? HAS_BODY : NO_BODY;
}

/**
 * Whether the connection ends after this request's answer (RFC 9112 9.3):
 * HTTP/1.1 unless Connection has "close", HTTP/1.0 unless it has
 * "keep-alive" and not "close"; options are a case-insensitive list, OWS
 * around each (native/http_parser.cpp, keep_alive).
 */
export function closesAfter(head: RequestHead): boolean {
  let close = false;
  let keepAlive = false;
  const fields = head.fields;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i]!.length !== 10 || !asciiNoCase(fields[i]!, 0, "connection")) continue;
    // Read in place: most requests carry a Connection field, and this runs for each.
    const value = fields[i + 1]!;
    let start = 0;
    for (let k = 0; k <= value.length; k++) {
      if (k < value.length && value.charCodeAt(k) !== 0x2c) continue;  // ','
      const a = owsSkipped(value, start, k);
      const b = owsCut(value, a, k);
      if (b - a === 5 && asciiNoCase(value, a, "close")) close = true;
      else if (b - a === 10 && asciiNoCase(value, a, "keep-alive")) keepAlive = true;
      start = k + 1;
    }
  }
  return close || (head.version === "1.0" && !keepAlive);
}

// field-vchar, obs-text, SP, HTAB (RFC 9110 5.5): anything else (NUL, CR,
// LF, other controls, DEL) is 400.
const FIELD_VALUE_BYTE_INVALID = /[\x00-\x08\x0a-\x1f\x7f]/;

// Host = uri-host [ ":" port ] (RFC 9112 3.2, RFC 3986 3.2.2): the bytes of
// a reg-name (unreserved, pct-encoded, sub-delims), an IP-literal's
// brackets and the ":" of a port; empty is allowed (native/http_parser.cpp,
// is_host_value).
const HOST_VALUE = /^[A-Za-z0-9\-._~%!$&'()*+,;=:[\]]*$/;

// Visible ASCII only (RFC 9112 3.2).
const TARGET_BYTE_INVALID = /[^\x21-\x7e]/;

/**
 * native/request_target.cpp: "*" only for OPTIONS (RFC 9112 3.2.4); an
 * origin form starts with "/", an absolute form is scheme "://" ...; a "#"
 * is never part of a target (RFC 9112 3.2.1), unless the path is over the
 * router's limit (then the router answers 414).
 */
function targetFormIsValid(method: string, target: string): boolean {
  if (target === "*") return method === "OPTIONS";
  let path = target;
  if (target.charCodeAt(0) !== 0x2f) {
    const colon = target.indexOf(":");
    if (colon < 0 || !target.startsWith("//", colon + 1)) return false;
    const slash = target.indexOf("/", colon + 3);
    path = slash < 0 ? "/" : target.slice(slash);
  }
  return path.length > MAX_TARGET_LENGTH || !path.includes("#");
}

const INVALID = -2;

// Content-Length: 1*DIGIT, or a list of identical values (RFC 9110 8.6);
// a second field must agree with the first. `seen`: the value so far (-1: none).
function contentLength(value: string, seen: number): number {
  let result = seen;
  let any = false;
  for (const digits of listElements(value)) {
    if (!/^[0-9]+$/.test(digits)) return INVALID;
    const n = digits.length > 15 ? Number.MAX_SAFE_INTEGER : Number(digits);  // past 2^53: over any limit anyway
    if (result !== -1 && n !== result) return INVALID;
    result = n;
    any = true;
  }
  return any ? result : INVALID;
}

const CHUNKED = 0;

/**
 * CHUNKED when the codings frame the body as chunked and nothing else is
 * needed; 400 when they cannot frame it (empty, not tokens, parameters on
 * chunked, chunked twice or not last: RFC 9112 6.3 rule 4, 7); 501 when
 * chunked is last but another coding precedes it (RFC 9112 6.1: a coding
 * we do not decode).
 */
function transferCodings(list: string): number {
  let chunked = 0;
  let last = false;
  let other = false;
  let any = false;
  for (const coding of listElements(list)) {  // (empty list elements are ignored: RFC 9110 5.6.1)
    any = true;
    const name = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(coding)?.[0] ?? "";
    if (name === "") return 400;
    last = name.length === 7 && asciiNoCase(name, 0, "chunked");
    if (last) {
      if (name.length !== coding.length) return 400;  // chunked takes no parameters
      ++chunked;
    } else {
      other = true;
    }
  }
  if (!any || !last || chunked > 1) return 400;
  return other ? 501 : CHUNKED;
}

/** The reason phrase and body of each refusal, as hotpath-server writes them (router/answer.cpp, reason_phrase). */
export const REFUSAL_REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};
