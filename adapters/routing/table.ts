/**
 * The route-table (TSV) parser in TypeScript: a port of router/table.cpp,
 * with its checks in the same order, its limits and its words, so a table
 * loads, or fails on the same line with the same message, on every path
 * (tests/vectors/table-errors.jsonl, directive-errors.jsonl and the
 * differential fuzzer check it). Directive lines and handler routes are
 * read by table-directives.ts.
 */
import type { CorsPolicy, Directive, DirectiveTable } from "./directives.js";
import { isRouteMethod, type RouteMethod } from "./methods.js";
import { MAX_CHAIN_STEPS, MAX_CONTENT_TYPES, MAX_MIDDLEWARE_ROUTE, MAX_NEEDED_HEADERS, MAX_PLACEHOLDERS } from "./limits.js";
import { capped, excerpt } from "./message.js";
import { parsePattern } from "./pattern.js";
import { compileTemplate, type CompiledTemplate } from "./render.js";
import { ERROR_CONTENT_TYPE } from "./answer.js";
import { contentTypeProblem } from "./content-type.js";
import { RouteDefinitionError } from "./route-definition-error.js";
import { Router, type RouteEntry } from "./router.js";
import { RouteTableError } from "./route-table-error.js";
import { parseMiddleware, parseRouteMiddleware, parseUpstream, type RouteStep, type Upstream } from "./table-directives.js";

/** One route of a table (a route line, a ROUTE line or a PROXY* line), as loaded. */
export interface TableRoute {
  line: number;
  method: RouteMethod;
  path: string;
  /** 0-based position among the table's routes (ROUTE_MIDDLEWARE's INDEX). */
  index: number;
  /** "handler": a PROXY* line, answered by a handler (status, contentType and body unused). */
  kind: "reply" | "handler";
  status: number;
  contentType: string;
  /** BODY with its escapes decoded; may hold {name} placeholders. */
  body: string;
  template: CompiledTemplate;
  /** Handler routes: where hotpath-server forwards them. */
  upstream: Upstream | null;
  /** The route's ROUTE_MIDDLEWARE steps, in table order. */
  directives: readonly Directive[];
}

/** A loaded table: its routes and directives. */
export interface ParsedTable extends DirectiveTable {
  readonly entries: RouteEntry<TableRoute>[];
  /** Request header names (lowercase) the directives read, in the core's order. */
  readonly neededHeaders: readonly string[];
  readonly cors: CorsPolicy | null;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BLANK = /^[ \t]*$/;

/** Parses a table's routes; throws RouteTableError ("line N: reason", .line) on the first error. */
export function parseRouteTable(text: string): RouteEntry<TableRoute>[] {
  return parseTable(text).entries;
}

/** Parses a table with its directives; throws RouteTableError on the first error. */
export function parseTable(text: string): ParsedTable {
  const entries: RouteEntry<TableRoute>[] = [];
  const router = new Router<TableRoute>();  // only to find duplicates, as the C++ loader does
  const middleware: Directive[] = [];
  const routeSteps: (RouteStep & { line: number })[] = [];
  const needed: string[] = [];
  let cors: CorsPolicy | null = null;
  let corsLine = 0;
  let lineNumber = 0;
  const fail = (reason: string): never => {
    throw new RouteTableError(capped(`line ${lineNumber}: ${reason}`), lineNumber);
  };
  const need = (name: string) => {
    if (needed.includes(name)) return;
    if (needed.length === MAX_NEEDED_HEADERS) fail(`more than ${MAX_NEEDED_HEADERS} distinct request header names read by REQUIRE_HEADER and CORS`);
    needed.push(name);
  };
  const needFor = (d: Directive) => {
    if (d.kind === "require") need(d.name);
    if (d.kind === "cors") for (const name of ["origin", "access-control-request-method", "access-control-request-headers"]) need(name);
  };
  const addRoute = (entry: RouteEntry<TableRoute>) => {
    try {
      router.add(entry);
    } catch (error) {
      if (error instanceof RouteDefinitionError) fail(error.message.replace(/^line \d+: /, ""));
      throw error;
    }
    entries.push(entry);
  };
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((rawLine, index) => {
    lineNumber = index + 1;
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    // A string holds no invalid UTF-8, except as a lone surrogate.
    if (LONE_SURROGATE.test(line)) fail("invalid UTF-8");
    if (BLANK.test(line) || line.startsWith("#")) return;
    const fields = line.split("\t");
    const word = fields[0]!;
    if (isRouteMethod(word) || word === "ROUTE") {
      addRoute(parseRouteLine(word === "ROUTE" ? fields.slice(1) : fields, word === "ROUTE", lineNumber, entries.length, fail));
    } else if (word === "PROXY" || word === "PROXY_UNIX" || word === "PROXY_TCP") {
      addRoute(parseHandlerLine(fields, lineNumber, entries.length, fail));
    } else if (word === "MIDDLEWARE") {
      const d = parseMiddleware(fields, lineNumber, middleware.length, corsLine, fail);
      if (d.kind === "cors") {
        cors = d.cors;
        corsLine = lineNumber;
      }
      needFor(d);
      middleware.push(d);
    } else if (word === "ROUTE_MIDDLEWARE") {
      const step = parseRouteMiddleware(fields, lineNumber, fail);
      needFor(step.directive);
      routeSteps.push({ ...step, line: lineNumber });
    } else {
      fail(
        `unknown method or directive ${excerpt(word, 24)} (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals; ` +
          "directives: ROUTE PROXY PROXY_UNIX PROXY_TCP MIDDLEWARE ROUTE_MIDDLEWARE)",
      );
    }
  });

  // ROUTE_MIDDLEWARE onto its routes, once every route is known.
  const byRoute = new Map<number, Directive[]>();
  for (const step of routeSteps) {
    lineNumber = step.line;
    if (step.routeIndex >= entries.length) {
      fail(`ROUTE_MIDDLEWARE names route ${step.routeIndex}, but the table has ${entries.length} ${entries.length === 1 ? "route" : "routes"} (numbered from 0 in table order)`);
    }
    if (step.routeIndex >= MAX_MIDDLEWARE_ROUTE) fail(`ROUTE_MIDDLEWARE supports routes numbered below ${MAX_MIDDLEWARE_ROUTE}`);
    const list = byRoute.get(step.routeIndex) ?? [];
    if (list.length === MAX_CHAIN_STEPS) fail(`more than ${MAX_CHAIN_STEPS} ROUTE_MIDDLEWARE lines for route ${step.routeIndex}`);
    list.push(step.directive);
    byRoute.set(step.routeIndex, list);
  }
  for (const [routeIndex, list] of byRoute) entries[routeIndex]!.value.directives = list;
  checkContentTypes(entries);
  const none: readonly Directive[] = [];
  return { entries, middleware, neededHeaders: needed, cors, routeDirectives: (i) => entries[i]?.value.directives ?? none };
}

/** METHOD PATH STATUS CONTENT-TYPE [BODY] (after the word ROUTE, when `routeWord`). */
function parseRouteLine(fields: string[], routeWord: boolean, lineNumber: number, index: number, fail: (reason: string) => never): RouteEntry<TableRoute> {
  if (fields.length < 4 || fields.length > 5) {
    fail(`expected ${routeWord ? "ROUTE and " : ""}5 tab-separated fields METHOD PATH STATUS CONTENT-TYPE BODY, found ${fields.length}` +
      (fields.length > 5 ? " (write a tab inside BODY as \\t)" : ""));
  }
  const method = fields[0]!;
  if (!isRouteMethod(method)) fail(`unknown method ${excerpt(method, 24)} (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)`);
  const [, path = "", statusText = "", contentType = "", rawBody = ""] = fields;
  const params = patternParams(path, fail);
  if (!/^[0-9]{3}$/.test(statusText) || Number(statusText) < 200 || Number(statusText) > 599) {
    fail(`invalid status ${excerpt(statusText)}: expected three digits from 200 to 599`);
  }
  const status = Number(statusText);
  const problem = contentTypeProblem(contentType, status);
  if (problem !== null) fail(problem);
  const body = decodeBody(rawBody, params, fail);
  let template: CompiledTemplate;
  try {
    template = compileTemplate(body, contentType, params);
  } catch (error) {
    return fail((error as Error).message);
  }
  // BODY as written: a body of placeholders only has no literal bytes but is not empty.
  if (rawBody !== "" && (status === 204 || status === 304)) fail(`status ${status} must have an empty body`);
  const routeMethod = method as RouteMethod;
  return {
    method: routeMethod,
    path,
    value: { line: lineNumber, method: routeMethod, path, index, kind: "reply", status, contentType, body, template, upstream: null, directives: [] },
    headDeclaration: method === "HEAD" && body === "",
    origin: `line ${lineNumber}`,
  };
}

/** PROXY, PROXY_UNIX, PROXY_TCP lines: handler routes. */
function parseHandlerLine(fields: string[], lineNumber: number, index: number, fail: (reason: string) => never): RouteEntry<TableRoute> {
  const method = fields[1] ?? "";
  const upstream = parseUpstream(fields, fail, () => {
    if (!isRouteMethod(method)) fail(`unknown method ${excerpt(method, 24)} (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)`);
  });
  const path = fields[2]!;
  patternParams(path, fail);
  const routeMethod = method as RouteMethod;
  const template: CompiledTemplate = compileTemplate("", "", []);
  return {
    method: routeMethod,
    path,
    value: { line: lineNumber, method: routeMethod, path, index, kind: "handler", status: 0, contentType: "", body: "", template, upstream, directives: [] },
    origin: `line ${lineNumber}`,
  };
}

function patternParams(path: string, fail: (reason: string) => never): string[] {
  try {
    return parsePattern(path).flatMap((s) => s.names);
  } catch (error) {
    return fail((error as Error).message);
  }
}

/**
 * Decodes BODY's escapes, checking escapes and placeholders in one pass
 * from the left, as the C++ parser does, so the first fault is the one
 * reported: an unknown escape, a placeholder naming no parameter, or one
 * placeholder too many.
 */
function decodeBody(raw: string, params: readonly string[], fail: (reason: string) => never): string {
  let out = "";
  let placeholders = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "\\") {
      const next = raw[i + 1];
      if (next === undefined) fail("unfinished escape '\\' at the end of BODY (write a backslash as \\\\)");
      const decoded = next === "t" ? "\t" : next === "n" ? "\n" : next === "r" ? "\r" : next === "\\" ? "\\" : null;
      // The C++ message quotes two bytes: a non-ASCII character is cut there (read back as U+FFFD).
      if (decoded === null) fail(`unknown escape ${excerpt(next!.charCodeAt(0) < 0x80 ? `\\${next}` : "\\\ufffd")} in BODY (escapes are \\t \\n \\r \\\\)`);
      out += decoded;
      i++;
      continue;
    }
    if (c === "{") {
      const placeholder = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(raw.slice(i));
      if (placeholder !== null) {
        const name = placeholder[1]!;
        if (!params.includes(name)) fail(`placeholder {${excerpt(name)}} names no parameter of this route`);
        if (placeholders === MAX_PLACEHOLDERS) fail(`BODY has more than ${MAX_PLACEHOLDERS} placeholders`);
        placeholders++;
        out += placeholder[0];
        i += placeholder[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

// Distinct content types, in line order, as the C++ loader numbers them
// (id 0 is the router's own error type): one too many names its line.
function checkContentTypes(entries: readonly RouteEntry<TableRoute>[]): void {
  const types = new Set<string>([ERROR_CONTENT_TYPE]);
  for (const { value } of entries) {
    if (value.kind === "handler" || types.has(value.contentType)) continue;
    if (types.size > MAX_CONTENT_TYPES) {
      throw new RouteTableError(`line ${value.line}: more than ${MAX_CONTENT_TYPES} distinct content types`, value.line);
    }
    types.add(value.contentType);
  }
}
