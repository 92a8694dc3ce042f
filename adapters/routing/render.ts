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
  /** For one or two placeholders (most templates): the body rendered without a walk over `parts`. */
  render: Render | null;
}

type Render = (params: Readonly<Record<string, string>>) => string;

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
    const literal = ownCopy(body.slice(last, match.index));
    scan(literal);
    parts.push({ literal, param: name, quote: mode === "json" && !inString });
    last = match.index! + match[0].length;
  }
  if (parts.length === 0) return { mode, parts: [], fixed: body, render: null };
  parts.push({ literal: ownCopy(body.slice(last)), param: null, quote: false });
  return { mode, parts, fixed: null, render: renderer(mode, parts) };
}

export function renderTemplate(template: CompiledTemplate, params: Readonly<Record<string, string>>): string {
  if (template.fixed !== null) return template.fixed;
  const render = template.render;
  if (render !== null) return render(params);
  const { mode, parts } = template;
  let out = parts[0]!.literal;
  for (let i = 0; i + 1 < parts.length; i++) {
    const part = parts[i]!;
    out = out + escapeValue(mode, params[part.param!] ?? "", part.quote) + parts[i + 1]!.literal;
  }
  return out;
}

// A body's literal text as a string of its own: a slice is read through the
// body it was cut from (V8's sliced strings, JavaScriptCore's substrings),
// which each render would pay for.
function ownCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

// The same concatenation as renderTemplate's walk, for one or two
// placeholders, as closures (no generated code: Workers allow these). On
// Bun, the walk costs about 300 instructions a render more (callgrind).
function renderer(mode: EscapeMode, parts: readonly Part[]): Render | null {
  const [p0, p1, p2] = parts as [Part, Part, Part?];
  const a = p0.literal;
  const n0 = p0.param!;
  const b = p1.literal;
  if (parts.length === 2) {
    if (mode === "raw") return (params) => a + (params[n0] ?? "") + b;
    const q0 = p0.quote;
    return (params) => a + escapeValue(mode, params[n0] ?? "", q0) + b;
  }
  if (parts.length === 3) {
    const n1 = p1.param!;
    const c = p2!.literal;
    if (mode === "raw") return (params) => a + (params[n0] ?? "") + b + (params[n1] ?? "") + c;
    const q0 = p0.quote;
    const q1 = p1.quote;
    return (params) => a + escapeValue(mode, params[n0] ?? "", q0) + b + escapeValue(mode, params[n1] ?? "", q1) + c;
  }
  return null;
}

const JSON_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const MARKUP_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeValue(mode: EscapeMode, value: string, quote: boolean): string {
  if (mode === "raw") return value;
  if (mode === "markup") return value.replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]!);
  const escaped = value.replace(/["\\\u0000-\u001f]/g, (c) => JSON_ESCAPES[c] ?? "\\u00" + c.charCodeAt(0).toString(16).padStart(2, "0"));
  return quote ? `"${escaped}"` : escaped;
}
