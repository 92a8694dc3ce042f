/**
 * The route-table (TSV) parser in TypeScript: a port of router/table.cpp,
 * with its checks in the same order, its limits and its words, so a table
 * loads, or fails on the same line with the same message, on every path
 * (tests/vectors/table-errors.jsonl and the differential fuzzer check it).
 */
import { isRouteMethod, type RouteMethod } from "./methods.js";
import { MAX_CONTENT_TYPES, MAX_PLACEHOLDERS } from "./limits.js";
import { capped, excerpt } from "./message.js";
import { parsePattern } from "./pattern.js";
import { compileTemplate, type CompiledTemplate } from "./render.js";
import { ERROR_CONTENT_TYPE } from "./answer.js";
import { RouteDefinitionError } from "./route-definition-error.js";
import { Router, type RouteEntry } from "./router.js";
import { RouteTableError } from "./route-table-error.js";

/** One route line of a table, as loaded. */
export interface TableRoute {
  line: number;
  method: RouteMethod;
  path: string;
  status: number;
  contentType: string;
  /** BODY with its escapes decoded; may hold {name} placeholders. */
  body: string;
  template: CompiledTemplate;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BLANK = /^[ \t]*$/;

/** Parses a table; throws RouteTableError ("line N: reason", .line) on the first error. */
export function parseRouteTable(text: string): RouteEntry<TableRoute>[] {
  const entries: RouteEntry<TableRoute>[] = [];
  const router = new Router<TableRoute>();  // only to find duplicates, as the C++ loader does
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const fail = (reason: string): never => {
      throw new RouteTableError(capped(`line ${lineNumber}: ${reason}`), lineNumber);
    };
    // A string holds no invalid UTF-8, except as a lone surrogate.
    if (LONE_SURROGATE.test(line)) fail("invalid UTF-8");
    if (BLANK.test(line) || line.startsWith("#")) return;
    const fields = line.split("\t");
    const method = fields[0]!;
    if (!isRouteMethod(method)) {
      fail(`unknown method or directive ${excerpt(method, 24)} (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)`);
    }
    if (fields.length < 4 || fields.length > 5) {
      fail(`expected 5 tab-separated fields METHOD PATH STATUS CONTENT-TYPE BODY, found ${fields.length}` +
        (fields.length > 5 ? " (write a tab inside BODY as \\t)" : ""));
    }
    const [, path = "", statusText = "", contentType = "", rawBody = ""] = fields;
    let params: string[] = [];
    try {
      params = parsePattern(path).filter((s) => s.kind !== "static").map((s) => s.text);
    } catch (error) {
      fail((error as Error).message);
    }
    if (!/^[0-9]{3}$/.test(statusText) || Number(statusText) < 200 || Number(statusText) > 599) {
      fail(`invalid status ${excerpt(statusText)}: expected three digits from 200 to 599`);
    }
    const status = Number(statusText);
    if (/[^\t\u0020-\u007e]/.test(contentType)) fail(`invalid content type ${excerpt(contentType)}: only printable ASCII is allowed`);
    if (BLANK.test(contentType) && status !== 204 && status !== 304) {
      fail("missing content type (it may be empty only for status 204 and 304)");
    }
    const body = decodeBody(rawBody, params, fail);
    let template: CompiledTemplate;
    try {
      template = compileTemplate(body, contentType, params);
    } catch (error) {
      return fail((error as Error).message);
    }
    // BODY as written: a body of placeholders only has no literal bytes but is not empty.
    if (rawBody !== "" && (status === 204 || status === 304)) fail(`status ${status} must have an empty body`);
    const entry: RouteEntry<TableRoute> = {
      method: method as RouteMethod,
      path,
      value: { line: lineNumber, method: method as RouteMethod, path, status, contentType, body, template },
      headDeclaration: method === "HEAD" && body === "",
      origin: `line ${lineNumber}`,
    };
    try {
      router.add(entry);
    } catch (error) {
      if (error instanceof RouteDefinitionError) fail(error.message.replace(/^line \d+: /, ""));
      throw error;
    }
    entries.push(entry);
  });
  checkContentTypes(entries);
  return entries;
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
    if (types.has(value.contentType)) continue;
    if (types.size > MAX_CONTENT_TYPES) {
      throw new RouteTableError(`line ${value.line}: more than ${MAX_CONTENT_TYPES} distinct content types`, value.line);
    }
    types.add(value.contentType);
  }
}
