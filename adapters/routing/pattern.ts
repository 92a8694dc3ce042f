/**
 * Route patterns (/users/:id, /files/*path, /post/:id{[0-9]+},
 * /flights/:from-:to, /api/:type?, /assets/*.png): the PATH column rules of
 * the route table, shared by the table parser and the TypeScript API. The
 * same checks in the same order and words as router/table_path.cpp.
 */
import { ANY_VALUE, ConstraintError, compileConstraint, type Automaton } from "./constraint.js";
import { MAX_PARAMS, MAX_SEGMENTS, MAX_SEGMENT_PARAMS, MAX_SEGMENT_STATES } from "./limits.js";
import { excerpt } from "./message.js";
import { decodeSegment } from "./path.js";
import { RouteDefinitionError } from "./route-definition-error.js";
import type { SegmentPattern } from "./segment.js";
import { utf8Length } from "./utf8.js";

export interface PatternSegment {
  /**
   * static: text; param: one plain `:name`; wildcard: the rest of the path
   * (`*name`, or with static text around it when `pattern` is set);
   * pattern: constrained or multi-part parameters in one segment.
   */
  kind: "static" | "param" | "wildcard" | "pattern";
  /** Decoded static text, or the capture's name ("" for a bare * and for a pattern). */
  text: string;
  /** `:name?`: the route also matches without this segment (and those after it). */
  optional: boolean;
  /** For "pattern", and for a wildcard with static text. */
  pattern: SegmentPattern | null;
  /** The captures' names in this segment, in order ("" for a bare *). */
  names: readonly string[];
}

export { MAX_PARAMS, MAX_SEGMENTS };

const encoder = new TextEncoder();
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const BAD_PATH_BYTE = /[\u0000-\u0020\u007f]/;
const VALID_ESCAPES = /^(?:[^%]|%[0-9A-Fa-f]{2})*$/;

// Where the constraint opened by text[open] ("{") ends: its "}", or text.length.
function constraintEnd(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text[k];
    if (c === "\\") k++;
    else if (c === "[") {
      for (k++; k < text.length && text[k] !== "]"; k++) if (text[k] === "\\") k++;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return k;
  }
  return text.length;
}

// What follows the parameter name (and constraint) after the ":" at text[i].
function parameterEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
  if (j < text.length && text[j] === "{") {
    j = constraintEnd(text, j);
    if (j < text.length) j++;
  }
  return j;
}

function pathBytesAreValid(path: string): boolean {
  if (BAD_PATH_BYTE.test(path)) return false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === ":") {
      i = parameterEnd(path, i);
      if (i < path.length && path[i] !== "?") i--;
    } else if (c === "?" || c === "#") return false;
  }
  return true;
}

function segmentEnd(path: string, start: number): number {
  let i = start;
  while (i < path.length && path[i] !== "/") i = path[i] === ":" ? parameterEnd(path, i) : i + 1;
  return Math.min(i, path.length);
}

interface Part {
  capture: boolean;
  wildcard: boolean;
  optional: boolean;
  text: string;
  automaton: Automaton | null;
  constraint: string;
}

function writeShape(parts: readonly Part[]): string {
  let out = "";
  for (const part of parts) {
    if (!part.capture) {
      for (const byte of encoder.encode(part.text)) {
        const c = String.fromCharCode(byte);
        out += ":*{}%".includes(c) ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}` : c;
      }
    } else if (part.wildcard) out += "*";
    else out += part.automaton !== null ? `:{${part.constraint}}` : ":";
  }
  // Static bytes went in one by one: read them back as UTF-8.
  return new TextDecoder().decode(Uint8Array.from(out, (c) => c.charCodeAt(0)));
}

export function parsePattern(path: string, origin?: string): PatternSegment[] {
  const fail = (reason: string): never => {
    throw new RouteDefinitionError(`${origin ? origin + ": " : ""}${reason}`);
  };
  if (!path.startsWith("/")) fail(`invalid path ${excerpt(path)}: a path starts with '/'`);
  if (!pathBytesAreValid(path)) {
    fail(`invalid path ${excerpt(path)}: spaces, control bytes, '?' and '#' are not allowed in a path`);
  }
  const names: string[] = [];
  const segments: PatternSegment[] = [];
  let optional: string | null = null;
  let start = 1;
  for (;;) {
    const end = segmentEnd(path, start);
    const text = path.slice(start, end);
    const last = end === path.length;
    if (segments.length === MAX_SEGMENTS) fail(`path has more than ${MAX_SEGMENTS} segments`);
    const segment = parseSegment(text, last, names, fail);
    segments.push(segment);
    if (optional !== null && !segment.optional) fail(`optional parameter ${excerpt(optional)} must be followed only by optional segments`);
    if (segment.optional && optional === null) optional = text;
    if (last) break;
    start = end + 1;
  }
  return segments;
}

function parseSegment(text: string, last: boolean, names: string[], fail: (reason: string) => never): PatternSegment {
  const parts: Part[] = [];
  const own: string[] = [];
  let captures = 0;
  let wildcardHere = false;
  let staticStart = 0;
  for (let i = 0; ; i++) {
    const atEnd = i === text.length;
    if (!atEnd && text[i] !== ":" && text[i] !== "*") continue;
    if (i > staticStart) {
      const raw = text.slice(staticStart, i);
      if (!VALID_ESCAPES.test(raw)) fail(`invalid percent escape in path segment ${excerpt(text)}`);
      const decoded = decodeSegment(raw);
      if (decoded === null) fail(`path segment ${excerpt(text)} decodes to invalid UTF-8`);
      parts.push({ capture: false, wildcard: false, optional: false, text: decoded!, automaton: null, constraint: "" });
    }
    if (atEnd) break;
    const wildcard = text[i] === "*";
    const kind = wildcard ? "wildcard" : "parameter";
    let j = i + 1;
    while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
    const name = text.slice(i + 1, j);
    if (wildcard && !last) fail(`wildcard ${excerpt(text)} must be the last segment of the path`);
    if (!(wildcard && name === "") && !NAME.test(name)) fail(`invalid ${kind} name ${excerpt(text)}: names match [A-Za-z_][A-Za-z0-9_]*`);
    if (name !== "" && j + 1 < text.length && text[j] === "-" && NAME_CHAR.test(text[j + 1]!)) {
      fail(`invalid ${kind} name ${excerpt(text)}: names match [A-Za-z_][A-Za-z0-9_]* (a '-' and a name character after a name: write the '-' as %2D)`);
    }
    if (wildcard ? captures > 0 : wildcardHere) fail(`wildcard segment ${excerpt(text)} cannot hold a parameter`);
    if (wildcard && wildcardHere) fail(`segment ${excerpt(text)} has more than one wildcard`);
    if (parts.length > 0 && parts[parts.length - 1]!.capture) fail(`parameters in segment ${excerpt(text)} need static text between them`);
    if (!wildcard && captures === MAX_SEGMENT_PARAMS) fail(`segment ${excerpt(text)} has more than ${MAX_SEGMENT_PARAMS} parameters`);
    if (name !== "" && names.includes(name)) fail(`duplicate parameter name ${excerpt(name)} in path`);
    if (names.length === MAX_PARAMS) fail(`path has more than ${MAX_PARAMS} parameters`);
    names.push(name);
    own.push(name);
    const part: Part = { capture: true, wildcard, optional: false, text: name, automaton: null, constraint: "" };
    if (!wildcard && j < text.length && text[j] === "{") {
      const close = constraintEnd(text, j);
      if (close === text.length) fail(`unterminated constraint in segment ${excerpt(text)} (no closing '}')`);
      const constraint = text.slice(j + 1, close);
      try {
        part.automaton = compileConstraint(constraint, utf8Length(constraint));
      } catch (error) {
        if (!(error instanceof ConstraintError)) throw error;
        fail(`invalid constraint ${excerpt(constraint)} of parameter ${excerpt(name)}: ${error.message}`);
      }
      part.constraint = constraint;
      j = close + 1;
    }
    if (!wildcard && j < text.length && text[j] === "?") {
      part.optional = true;
      j++;
    }
    parts.push(part);
    if (!wildcard) captures++;
    wildcardHere ||= wildcard;
    i = j - 1;
    staticStart = j;
  }
  const optional = parts.some((p) => p.optional);
  if (optional && parts.length !== 1) fail(`optional parameter in segment ${excerpt(text)} must be the whole segment`);
  if (parts.length === 0) return { kind: "static", text: "", optional, pattern: null, names: own };
  if (parts.length === 1 && parts[0]!.automaton === null) {
    const only = parts[0]!;
    const kind = !only.capture ? "static" : only.wildcard ? "wildcard" : "param";
    return { kind, text: only.text, optional, pattern: null, names: own };
  }
  const separators: string[] = [];
  const automata: Automaton[] = [];
  let staticBytes = 0;
  let constrained = 0;
  let states = 0;
  parts.forEach((part, q) => {
    if (!part.capture) {
      staticBytes += utf8Length(part.text);
      return;
    }
    const automaton = part.automaton ?? ANY_VALUE;
    automata.push(automaton);
    if (part.automaton !== null) constrained++;
    states += automaton.stateCount - 1;
    if (q + 2 < parts.length) {
      const separator = parts[q + 1]!.text;
      if (/[^\u0000-\u007f]/.test(separator)) fail(`the text between parameters in segment ${excerpt(text)} must be ASCII`);
      separators.push(separator);
      states += separator.length;
    }
  });
  const k = wildcardHere ? 1 : captures;
  if (k > 1 && states > MAX_SEGMENT_STATES) fail(`segment ${excerpt(text)} needs more than ${MAX_SEGMENT_STATES} automaton states`);
  const shape = writeShape(parts);
  const first = parts[0]!;
  const final = parts[parts.length - 1]!;
  const pattern: SegmentPattern = {
    wildcard: wildcardHere,
    prefix: first.capture ? "" : first.text,
    suffix: final.capture ? "" : final.text,
    paramCount: k,
    separators: wildcardHere ? [] : separators,
    automata: wildcardHere ? [ANY_VALUE] : automata,
    staticBytes,
    constrained,
    shape,
    shapeBytes: encoder.encode(shape),
  };
  if (wildcardHere) {
    const name = (first.capture ? first : parts[1]!).text;
    return { kind: "wildcard", text: name, optional: false, pattern, names: own };
  }
  return { kind: "pattern", text: "", optional, pattern, names: own };
}

/** The shape of "/": what a route whose segments are all optional also matches. */
export const ROOT_SHAPE: readonly PatternSegment[] = [{ kind: "static", text: "", optional: false, pattern: null, names: [] }];

/**
 * Every shape a pattern matches: itself, then without its optional
 * segments one by one from the end (and "/" when all are optional).
 */
export function patternShapes(segments: readonly PatternSegment[]): (readonly PatternSegment[])[] {
  const shapes: (readonly PatternSegment[])[] = [];
  for (let n = segments.length; ; n--) {
    shapes.push(n > 0 ? segments.slice(0, n) : ROOT_SHAPE);
    if (n === 0 || !segments[n - 1]!.optional) return shapes;
  }
}

/** The parameter names of a pattern, in path order ("" for a bare *). */
export function patternParams(path: string, origin?: string): string[] {
  return parsePattern(path, origin).flatMap((s) => s.names);
}
