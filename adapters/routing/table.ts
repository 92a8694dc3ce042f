/**
 * The route-table (TSV) parser in TypeScript: the same format and errors as
 * router/table.cpp, so a table means the same thing on every path.
 */
import { isRouteMethod, type RouteMethod } from "./methods.js";
import { parsePattern } from "./pattern.js";
import { compileTemplate, type CompiledTemplate } from "./render.js";
import { RouteDefinitionError } from "./route-definition-error.js";
import { Router, type RouteEntry } from "./router.js";
import { RouteTableError } from "./route-table-error.js";

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
      throw new RouteTableError(`line ${lineNumber}: ${reason}`, lineNumber);
    };
    if (/^[ \t]*$/.test(line) || line.startsWith("#")) return;
    const fields = line.split("\t");
    const method = fields[0]!;
    if (!isRouteMethod(method)) {
      const shown = method.length > 24 ? method.slice(0, 24) + "..." : method;
      fail(`unknown method or directive '${shown.replace(/[\u0000-\u001f\u007f]/g, "?")}' (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)`);
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
      fail(`invalid status '${statusText}': expected three digits from 200 to 599`);
    }
    const status = Number(statusText);
    if (/[^\t\u0020-\u007e]/.test(contentType)) fail(`invalid content type '${contentType}': only printable ASCII is allowed`);
    if (/^[ \t]*$/.test(contentType) && status !== 204 && status !== 304) {
      fail("missing content type (it may be empty only for status 204 and 304)");
    }
    const body = decodeBodyEscapes(rawBody, fail);
    let template: CompiledTemplate;
    try {
      template = compileTemplate(body, contentType, params);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (body !== "" && (status === 204 || status === 304)) fail(`status ${status} must have an empty body`);
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
  return entries;
}

function decodeBodyEscapes(raw: string, fail: (reason: string) => never): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) fail("unfinished escape '\\' at the end of BODY (write a backslash as \\\\)");
    const decoded = next === "t" ? "\t" : next === "n" ? "\n" : next === "r" ? "\r" : next === "\\" ? "\\" : null;
    if (decoded === null) fail(`unknown escape '\\${next}' in BODY (escapes are \\t \\n \\r \\\\)`);
    out += decoded;
    i++;
  }
  return out;
}
