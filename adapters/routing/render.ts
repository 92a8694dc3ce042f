/**
 * Rendering declarative replies: the same escaping as the C++ renderer
 * (router/render.cpp). `{name}` placeholders take the decoded parameter,
 * escaped for the content type: JSON string escaping (a placeholder outside
 * a JSON string literal becomes a whole quoted string), HTML/XML escaping,
 * or raw bytes.
 */
import { asciiLower, trimOws } from "./field-syntax.js";
import { MAX_PLACEHOLDERS } from "./limits.js";
import { RouteDefinitionError } from "./route-definition-error.js";

export type EscapeMode = "raw" | "json" | "markup";

export function escapeModeFor(contentType: string): EscapeMode {
  // The media type: before any ";", OWS trimmed, ASCII case folded (router/render.cpp, media_type).
  const type = asciiLower(trimOws(contentType.split(";")[0]!));
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (["text/html", "application/xhtml+xml", "text/xml", "application/xml"].includes(type) || type.endsWith("+xml")) {
    return "markup";
  }
  return "raw";
}

interface Part {
  literal: string;
  param: string | null;
  quote: boolean;  // JSON placeholder outside a string literal
}

export interface CompiledTemplate {
  mode: EscapeMode;
  parts: Part[];
  /** The body when it has no placeholder. */
  fixed: string | null;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Splits a template body; a placeholder naming no parameter, or more than
 * MAX_PLACEHOLDERS of them (the core's limit), is an error.
 */
export function compileTemplate(body: string, contentType: string, params: readonly string[], origin = ""): CompiledTemplate {
  const mode = escapeModeFor(contentType);
  const parts: Part[] = [];
  let last = 0;
  let inString = false;
  let afterBackslash = false;
  // JSON string state over the literal text seen so far (as the C++ parser).
  const scan = (text: string) => {
    if (mode !== "json") return;
    for (const c of text) {
      if (afterBackslash) afterBackslash = false;
      else if (inString && c === "\\") afterBackslash = true;
      else if (c === '"') inString = !inString;
    }
  };
  const fail = (reason: string): never => {
    throw new RouteDefinitionError(`${origin ? origin + ": " : ""}${reason}`);
  };
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    // (A table's placeholders are checked as it is read, in the core's words.)
    if (!params.includes(name)) fail(`placeholder {${name}} names no parameter of this route`);
    if (parts.length === MAX_PLACEHOLDERS) fail(`BODY has more than ${MAX_PLACEHOLDERS} placeholders`);
    const literal = body.slice(last, match.index);
    scan(literal);
    parts.push({ literal, param: name, quote: mode === "json" && !inString });
    last = match.index! + match[0].length;
  }
  if (parts.length === 0) return { mode, parts: [], fixed: body };
  parts.push({ literal: body.slice(last), param: null, quote: false });
  return { mode, parts, fixed: null };
}

export function renderTemplate(template: CompiledTemplate, params: Readonly<Record<string, string>>): string {
  if (template.fixed !== null) return template.fixed;
  let out = "";
  for (const part of template.parts) {
    out += part.literal;
    if (part.param !== null) out += escapeValue(template.mode, params[part.param] ?? "", part.quote);
  }
  return out;
}

const JSON_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const MARKUP_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeValue(mode: EscapeMode, value: string, quote: boolean): string {
  if (mode === "raw") return value;
  if (mode === "markup") return value.replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]!);
  const escaped = value.replace(/["\\\u0000-\u001f]/g, (c) => JSON_ESCAPES[c] ?? "\\u00" + c.charCodeAt(0).toString(16).padStart(2, "0"));
  return quote ? `"${escaped}"` : escaped;
}
