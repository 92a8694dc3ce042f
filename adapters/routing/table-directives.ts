/**
 * The route table's directive lines (MIDDLEWARE, ROUTE_MIDDLEWARE) and
 * handler routes (PROXY, PROXY_UNIX, PROXY_TCP): a port of
 * router/table_directives.cpp, with its messages, held to it by
 * tests/vectors/directive-errors.jsonl.
 */
import type { CorsPolicy, Directive } from "./directives.js";
import { headerIsSettable } from "./directives.js";
import { excerpt } from "./message.js";
import { byteString } from "./utf8.js";

/** Throws RouteTableError for the current line. */
export type Fail = (reason: string) => never;

import { MAX_CHAIN_STEPS, MAX_CORS_ORIGINS } from "./limits.js";
const DEFAULT_CORS_METHODS = "GET, HEAD, PUT, POST, DELETE, PATCH";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const utf8 = new TextEncoder();

const quote = (text: string): string => excerpt(text);

/** Where a handler route's answer comes from on hotpath-server. */
export type Upstream = { kind: "default" } | { kind: "unix"; path: string } | { kind: "tcp"; address: string };

/**
 * PROXY METHOD PATH, PROXY_UNIX METHOD PATH SOCKET, PROXY_TCP METHOD PATH
 * HOST:PORT (or HOST PORT). `checkMethod` runs after the field count, before
 * the address (the C++ loader's order, so both name the same first error).
 */
export function parseUpstream(fields: readonly string[], fail: Fail, checkMethod: () => void): Upstream {
  const word = fields[0]!;
  const kind = word === "PROXY" ? "default" : word === "PROXY_UNIX" ? "unix" : "tcp";
  const min = kind === "default" ? 3 : 4;
  const max = kind === "tcp" ? 5 : min;
  if (fields.length < min || fields.length > max) {
    const form = kind === "default" ? "expected PROXY METHOD PATH" : kind === "unix" ? "expected PROXY_UNIX METHOD PATH SOCKET-PATH" : "expected PROXY_TCP METHOD PATH HOST:PORT";
    fail(`${form} (tab-separated), found ${fields.length} fields`);
  }
  checkMethod();
  if (kind === "default") return { kind };
  if (kind === "unix") {
    const path = fields[3]!;
    if (utf8.encode(path).length === 0 || utf8.encode(path).length > 107 || /[\u0000-\u001f]/.test(path)) {
      fail(`invalid socket path ${quote(path)}: 1 to 107 bytes, no control bytes`);
    }
    return { kind, path };
  }
  let host = fields[3]!;
  let port = "";
  if (fields.length === 5) {
    port = fields[4]!;
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      port = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  const number = /^[0-9]{1,10}$/.test(port) ? Number(port) : 0;
  if (host === "" || number < 1 || number > 65535 || !/^[\u0021-\u007e]+$/.test(host) || host.includes("/")) {
    fail(`invalid TCP address ${quote(fields[3]!)}: expected HOST:PORT with a port from 1 to 65535`);
  }
  return { kind, address: `${host}:${port}` };
}

function checkName(name: string, fail: Fail): void {
  if (!TOKEN.test(name)) fail(`invalid header name ${quote(name)}: a header name is a token (letters, digits, !#$%&'*+-.^_\`|~)`);
}

function checkValue(value: string, fail: Fail): void {
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    fail(`invalid header value ${quote(value)}: control bytes are not allowed in a header value`);
  }
  if (/^[ \t]|[ \t]$/.test(value)) fail(`header value ${quote(value)} has leading or trailing whitespace, which HTTP removes`);
}

/** HEADER / REQUIRE_HEADER NAME VALUE as one step. */
export function parseHeaderStep(kind: "header" | "require", name: string, value: string, line: number, fail: Fail): Directive {
  checkName(name, fail);
  checkValue(value, fail);
  if (kind === "header") {
    if (!headerIsSettable(name)) {
      fail(
        `header ${quote(name)} cannot be set by a directive: the router or the HTTP layer owns it (Content-Type, Content-Length, ` +
          "Allow, Date, Server, Connection and the framing fields)",
      );
    }
    return { kind: "header", line, name, value };
  }
  if (value === "") fail(`REQUIRE_HEADER ${quote(name)} needs a non-empty value (the secret a request must send)`);
  return requireStep(name, value, line);
}

/**
 * A REQUIRE_HEADER step, unchecked (parseHeaderStep checks first; the
 * requireHeader() middleware builds one for values a table cannot hold).
 */
export function requireStep(name: string, value: string, line: number): Directive {
  // RFC 9110 section 11.6.1: a 401 names the scheme it wants.
  const challenge = name.toLowerCase() === "authorization" ? value.split(" ")[0] || "Bearer" : "";
  return { kind: "require", line, name: name.toLowerCase(), bytes: byteString(value), challenge };
}

function items(list: string): string[] {
  return list.split(",").map((item) => item.replace(/^[ \t]+|[ \t]+$/g, ""));
}

/** MIDDLEWARE CORS ORIGIN [METHODS [HEADERS [CREDENTIALS [MAX-AGE]]]]. */
export function parseCors(fields: readonly string[], fail: Fail): CorsPolicy {
  const trim = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, "");
  const origin = fields[2]!;
  const methods = trim(fields[3] ?? "");
  const headers = trim(fields[4] ?? "");
  const credentialsText = fields[5] ?? "";
  const maxAge = fields[6] ?? "";
  if (credentialsText !== "" && credentialsText !== "true" && credentialsText !== "false") {
    fail(`invalid CORS credentials ${quote(credentialsText)}: expected true, false or nothing`);
  }
  const credentials = credentialsText === "true";
  let origins: string[] = [];
  if (trim(origin) === "*") {
    if (credentials) fail("CORS with credentials needs explicit origins: browsers refuse '*' with credentials");
  } else {
    for (const item of items(origin)) {
      if (origins.length === MAX_CORS_ORIGINS) fail(`more than ${MAX_CORS_ORIGINS} CORS origins`);
      if (item === "" || item === "*" || !/^[\u0021-\u007e]+$/.test(item)) {
        fail(`invalid CORS origin ${quote(item)}: expected '*' or origins such as https://example.com, separated by ','`);
      }
      origins.push(item);
    }
  }
  const list = (input: string, which: "methods" | "headers"): string => {
    if (input === "") return which === "methods" ? DEFAULT_CORS_METHODS : "";
    const out: string[] = [];
    for (const item of items(input)) {
      const good = TOKEN.test(item) || (which === "headers" && item === "*");
      if (!good) {
        fail(
          which === "methods"
            ? `invalid CORS method ${quote(item)}: expected methods such as GET, POST separated by ','`
            : `invalid CORS header name ${quote(item)}: expected header names separated by ',' (or nothing: echo the requested ones)`,
        );
      }
      out.push(item);
    }
    return out.join(", ");
  };
  const methodList = list(methods, "methods");
  const headerList = list(headers, "headers");
  if (maxAge !== "" && (!/^[0-9]{1,10}$/.test(maxAge) || Number(maxAge) > 0x7fffffff)) {
    fail(`invalid CORS max age ${quote(maxAge)}: expected whole seconds`);
  }
  origins = origins.slice();
  return { origins, methods: methodList, allowHeaders: headerList, credentials, maxAge: maxAge === "" ? null : maxAge };
}

/** A ROUTE_MIDDLEWARE line: the route it names and its step. */
export interface RouteStep {
  readonly routeIndex: number;
  readonly directive: Directive;
}

export function parseRouteMiddleware(fields: readonly string[], line: number, fail: Fail): RouteStep {
  const kind = fields[2] ?? "";
  if (kind !== "HEADER" && kind !== "REQUIRE_HEADER") {
    if (kind === "CORS") fail("CORS applies to the whole table: write it as MIDDLEWARE CORS");
    fail(`unknown ROUTE_MIDDLEWARE ${excerpt(kind, 24)} (expected HEADER or REQUIRE_HEADER)`);
  }
  const header = kind === "HEADER";
  if (fields.length < (header ? 4 : 5) || fields.length > 5) {
    fail(`expected ROUTE_MIDDLEWARE INDEX ${kind} NAME VALUE (tab-separated), found ${fields.length} fields`);
  }
  const index = fields[1]!;
  if (!/^[0-9]{1,10}$/.test(index) || Number(index) > 0xffffffff) {
    fail(`invalid route index ${quote(index)}: expected the route's number, counting routes from 0`);
  }
  return { routeIndex: Number(index), directive: parseHeaderStep(header ? "header" : "require", fields[3]!, fields[4] ?? "", line, fail) };
}

/**
 * A MIDDLEWARE line's step. `count`: MIDDLEWARE lines so far; `corsLine`:
 * the line of an earlier CORS line, or 0.
 */
export function parseMiddleware(fields: readonly string[], line: number, count: number, corsLine: number, fail: Fail): Directive {
  const kind = fields[1] ?? "";
  if (kind !== "HEADER" && kind !== "REQUIRE_HEADER" && kind !== "CORS") {
    fail(`unknown MIDDLEWARE ${excerpt(kind, 24)} (expected HEADER, CORS or REQUIRE_HEADER)`);
  }
  if (count === MAX_CHAIN_STEPS) fail(`more than ${MAX_CHAIN_STEPS} MIDDLEWARE lines`);
  if (kind === "CORS") {
    if (fields.length < 3 || fields.length > 7) {
      fail(`expected MIDDLEWARE CORS ORIGIN [METHODS [HEADERS [CREDENTIALS [MAX-AGE]]]] (tab-separated), found ${fields.length} fields`);
    }
    if (corsLine !== 0) fail(`a second MIDDLEWARE CORS line (the first is line ${corsLine})`);
    return { kind: "cors", line, cors: parseCors(fields, fail) };
  }
  const header = kind === "HEADER";
  if (fields.length < (header ? 3 : 4) || fields.length > 4) {
    fail(`${header ? "expected MIDDLEWARE HEADER NAME VALUE" : "expected MIDDLEWARE REQUIRE_HEADER NAME VALUE"} (tab-separated), found ${fields.length} fields`);
  }
  return parseHeaderStep(header ? "header" : "require", fields[2]!, fields[3] ?? "", line, fail);
}
