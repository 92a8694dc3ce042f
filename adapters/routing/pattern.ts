/**
 * Route patterns (/users/:id, /files/*path): the PATH column rules of the
 * route table, shared by the table parser and the TypeScript API. The same
 * checks in the same order and words as router/table.cpp (parse_path).
 */
import { MAX_PARAMS, MAX_SEGMENTS } from "./limits.js";
import { excerpt } from "./message.js";
import { decodeSegment } from "./path.js";
import { RouteDefinitionError } from "./route-definition-error.js";

export interface PatternSegment {
  kind: "static" | "param" | "wildcard";
  /** Decoded static text, or the parameter name ("" for a bare *). */
  text: string;
}

export { MAX_PARAMS, MAX_SEGMENTS };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BAD_PATH_BYTE = /[\u0000-\u0020\u007f?#]/;
const VALID_ESCAPES = /^(?:[^%]|%[0-9A-Fa-f]{2})*$/;

export function parsePattern(path: string, origin?: string): PatternSegment[] {
  const fail = (reason: string): never => {
    throw new RouteDefinitionError(`${origin ? origin + ": " : ""}${reason}`);
  };
  if (!path.startsWith("/")) fail(`invalid path ${excerpt(path)}: a path starts with '/'`);
  if (BAD_PATH_BYTE.test(path)) {
    fail(`invalid path ${excerpt(path)}: spaces, control bytes, '?' and '#' are not allowed in a path`);
  }
  const raw = path.slice(1).split("/");
  const names: string[] = [];
  const segments: PatternSegment[] = [];
  raw.forEach((text, i) => {
    if (i === MAX_SEGMENTS) fail(`path has more than ${MAX_SEGMENTS} segments`);
    if (text.startsWith(":") || text.startsWith("*")) {
      const wildcard = text.startsWith("*");
      const name = text.slice(1);
      if (wildcard && i !== raw.length - 1) fail(`wildcard ${excerpt(text)} must be the last segment of the path`);
      if (!(wildcard && name === "") && !NAME.test(name)) {
        fail(`invalid ${wildcard ? "wildcard" : "parameter"} name ${excerpt(text)}: names match [A-Za-z_][A-Za-z0-9_]*`);
      }
      if (name !== "" && names.includes(name)) fail(`duplicate parameter name ${excerpt(name)} in path`);
      if (names.length === MAX_PARAMS) fail(`path has more than ${MAX_PARAMS} parameters`);
      names.push(name);
      segments.push({ kind: wildcard ? "wildcard" : "param", text: name });
      return;
    }
    if (!VALID_ESCAPES.test(text)) fail(`invalid percent escape in path segment ${excerpt(text)}`);
    const decoded = decodeSegment(text);
    if (decoded === null) fail(`path segment ${excerpt(text)} decodes to invalid UTF-8`);
    segments.push({ kind: "static", text: decoded! });
  });
  return segments;
}

/** The parameter names of a pattern, in order ("" for a bare *). */
export function patternParams(path: string): string[] {
  return parsePattern(path)
    .filter((s) => s.kind !== "static")
    .map((s) => s.text);
}
