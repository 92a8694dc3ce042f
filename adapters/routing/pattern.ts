/**
 * Route patterns (/users/:id, /files/*path): the PATH column rules of the
 * route table, shared by the table parser and the TypeScript API.
 */
import { RouteDefinitionError } from "./route-definition-error.js";
import { decodePercent } from "./path.js";

export interface PatternSegment {
  kind: "static" | "param" | "wildcard";
  /** Decoded static text, or the parameter name ("" for a bare *). */
  text: string;
}

export const MAX_SEGMENTS = 256;
export const MAX_PARAMS = 32;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parsePattern(path: string, origin?: string): PatternSegment[] {
  const fail = (reason: string): never => {
    throw new RouteDefinitionError(`${origin ? origin + ": " : ""}${reason}`);
  };
  if (!path.startsWith("/")) fail(`invalid path '${path}': a path starts with '/'`);
  if (/[\u0000-\u0020\u007f?#]/.test(path)) {
    fail(`invalid path '${path}': spaces, control bytes, '?' and '#' are not allowed in a path`);
  }
  const raw = path.slice(1).split("/");
  if (raw.length > MAX_SEGMENTS) fail(`path has more than ${MAX_SEGMENTS} segments`);
  const names = new Set<string>();
  return raw.map((text, i) => {
    if (text.startsWith(":") || text.startsWith("*")) {
      const wildcard = text.startsWith("*");
      const name = text.slice(1);
      if (wildcard && i !== raw.length - 1) fail(`wildcard '${text}' must be the last segment of the path`);
      if (!(wildcard && name === "") && !NAME.test(name)) {
        fail(`invalid ${wildcard ? "wildcard" : "parameter"} name '${text}': names match [A-Za-z_][A-Za-z0-9_]*`);
      }
      if (name !== "" && names.has(name)) fail(`duplicate parameter name '${name}' in path`);
      if (names.size >= MAX_PARAMS) fail(`path has more than ${MAX_PARAMS} parameters`);
      names.add(name === "" ? `*${i}` : name);
      return { kind: wildcard ? "wildcard" : "param", text: name };
    }
    if (/%(?![0-9A-Fa-f]{2})/.test(text)) fail(`invalid percent escape in path segment '${text}'`);
    let decoded: string;
    try {
      decoded = decodePercent(text);
    } catch {
      return fail(`path segment '${text}' decodes to invalid UTF-8`);
    }
    return { kind: "static", text: decoded };
  });
}

/** The parameter names of a pattern, in order ("" for a bare *). */
export function patternParams(path: string): string[] {
  return parsePattern(path)
    .filter((s) => s.kind !== "static")
    .map((s) => s.text);
}
