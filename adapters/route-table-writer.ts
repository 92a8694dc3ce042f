/**
 * Routes to TSV route-table lines (README.md, "The route table"):
 * `METHOD\tPATH\tSTATUS\tCONTENT-TYPE\tBODY\n`.
 *
 * Every field is checked or escaped here so that no value given by a user
 * (a path, a content type, a body) can end its field or line early and
 * inject another field or route. What the writer cannot express is an
 * error naming the route, raised when the route is added rather than when
 * the server later refuses the table.
 */
import { checkReply, type Reply } from "./reply.js";
import type { Directive } from "./routing/directives.js";
import { ROUTE_METHODS, isRouteMethod, type RouteMethod } from "./routing/methods.js";
import { parsePattern, patternParams } from "./routing/pattern.js";

/** A route answered by a declarative reply: what a table line says. */
export interface ReplyRoute {
  method: RouteMethod;
  path: string;
  reply: Reply;
}

// What the table parser reads as a placeholder in BODY.
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// PATH may not hold control bytes or spaces (the table's rule); tab, CR and
// LF among them would end the field or the line. '?' and '#' only where the
// pattern syntax puts them (parsePattern says where).
const BAD_PATH_CHAR = /[\u0000-\u0020\u007f]/;
// A UTF-16 surrogate without its pair has no UTF-8 form: encoders replace it
// with U+FFFD, which would serve something other than what was written.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** One table line, newline included. Throws an Error naming the route when it cannot be written safely. */
export function toTableLine(method: string, path: string, reply: Reply): string {
  const route = `${method} ${JSON.stringify(path)}`;
  if (!isRouteMethod(method)) {
    throw new Error(`route ${route}: method must be one of ${ROUTE_METHODS.join(" ")}`);
  }
  checkPath(route, path);
  try {
    checkReply(reply);
  } catch (error) {
    throw new Error(`route ${route}: ${(error as Error).message}`, { cause: error });
  }
  const { status, contentType, body, templated } = reply;
  // (checkReply took the rest of the table's rule: printable ASCII, blank only for 204 and 304.)
  if (contentType.includes("\t")) throw new Error(`route ${route}: content type ${JSON.stringify(contentType)} holds a tab, which would end its field`);
  if (LONE_SURROGATE.test(body)) throw new Error(`route ${route}: body holds a lone UTF-16 surrogate (not valid Unicode)`);
  checkPlaceholders(route, path, body, templated);
  return `${method}\t${path}\t${status}\t${contentType}\t${escapeBody(body)}\n`;
}

/** A handler route: `PROXY METHOD PATH`, answered by the host's handler (or hotpath-server's fallback). */
export function proxyLine(method: string, path: string): string {
  const route = `${method} ${JSON.stringify(path)}`;
  if (!isRouteMethod(method)) throw new Error(`route ${route}: method must be one of ${ROUTE_METHODS.join(" ")}`);
  checkPath(route, path);
  return `PROXY\t${method}\t${path}\n`;
}

const latin1Bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const utf8Decoder = new TextDecoder();

/** A directive's fields after its word: `HEADER NAME VALUE`, `REQUIRE_HEADER NAME VALUE`, `CORS ORIGIN METHODS HEADERS CREDENTIALS MAX-AGE`. */
function directiveFields(d: Directive): string {
  let text: string;
  if (d.kind === "header") text = `HEADER\t${d.name}\t${d.value}`;
  else if (d.kind === "require") text = `REQUIRE_HEADER\t${d.name}\t${utf8Decoder.decode(latin1Bytes(d.bytes))}`;
  else {
    const c = d.cors;
    const fields = ["CORS", c.origins.length === 0 ? "*" : c.origins.join(","), c.methods, c.allowHeaders, c.credentials ? "true" : "", c.maxAge ?? ""];
    while (fields[fields.length - 1] === "") fields.pop();  // trailing fields may be left out
    text = fields.join("\t");
  }
  // The directives' own checks refuse control bytes; a tab would start a field.
  if (/[\u0000-\u001f\u007f]/.test(text.replace(/\t/g, ""))) throw new Error(`a directive value holds a control byte: ${JSON.stringify(text)}`);
  return text;
}

/** A MIDDLEWARE line (a step every request runs). */
export function middlewareLine(d: Directive): string {
  return `MIDDLEWARE\t${directiveFields(d)}\n`;
}

/** A ROUTE_MIDDLEWARE line: a step of route `index` (HEADER or REQUIRE_HEADER). */
export function routeMiddlewareLine(index: number, d: Directive): string {
  if (d.kind === "cors") throw new Error("a table's CORS is table-wide: it has no ROUTE_MIDDLEWARE form");
  return `ROUTE_MIDDLEWARE\t${index}\t${directiveFields(d)}\n`;
}

/** The whole table, one line per route, in order (line N is routes[N - 1]). */
export function routeTableText(routes: Iterable<ReplyRoute>): string {
  let text = "";
  for (const { method, path, reply } of routes) text += toTableLine(method, path, reply);
  return text;
}

/** BODY escaping: `\` `\t` `\n` `\r` are the table's only escapes. */
export function escapeBody(body: string): string {
  return body.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** The parameter names of a table path (its named parameters and wildcard), in order. */
export function pathParams(path: string): string[] {
  return patternParams(path).filter((name) => name !== "");
}

function checkPath(route: string, path: string): void {
  if (typeof path !== "string" || !path.startsWith("/")) throw new Error(`route ${route}: path must start with '/'`);
  const bad = BAD_PATH_CHAR.exec(path);
  if (bad) {
    throw new Error(`route ${route}: path must not contain ${JSON.stringify(bad[0])} (no spaces or control bytes)`);
  }
  if (LONE_SURROGATE.test(path)) throw new Error(`route ${route}: path holds a lone UTF-16 surrogate (not valid Unicode)`);
  // Whatever the table's parser would refuse (a '?' or '#' out of place, a
  // bad constraint), refused here with its words.
  try {
    parsePattern(path);
  } catch (error) {
    throw new Error(`route ${route}: ${(error as Error).message}`, { cause: error });
  }
}

// The table has no brace escape: in a fixed body, `{name}` would be read as
// a placeholder (substituted, or a load error when the route has no such
// parameter). In a template, a placeholder naming no parameter would make
// the whole table fail to load; saying so now names the route.
function checkPlaceholders(route: string, path: string, body: string, templated: boolean): void {
  const params = templated ? pathParams(path) : [];
  for (const [placeholder, name] of body.matchAll(PLACEHOLDER)) {
    if (!templated) {
      throw new Error(
        `route ${route}: the body contains ${placeholder}, which the route table would read as a placeholder ` +
          "(the table format has no way to escape braces); use template() or jsonTemplate() if it is meant " +
          "as one, or change the body",
      );
    }
    if (!params.includes(name!)) {
      const known = params.length === 0 ? "none" : params.join(", ");
      throw new Error(`route ${route}: placeholder ${placeholder} names no parameter of the path (parameters: ${known})`);
    }
  }
}
