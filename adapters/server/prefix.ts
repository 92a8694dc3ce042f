/**
 * Middleware scopes: `use("/api", fn)` runs fn for requests whose path is
 * /api or below it. Compared on percent-decoded segments, as the router
 * compares them, so `/%61pi/x` (routed to /api/x) is in scope too.
 */
import { checkPath, decodePercent } from "../routing/path.js";
import { parsePattern, type PatternSegment } from "../routing/pattern.js";
import { RouteDefinitionError } from "../routing/route-definition-error.js";
import type { Middleware } from "./types.js";

export interface Layer {
  /** Segments of the request path skipped before `prefix` (a group's mount point). */
  readonly depth: number;
  /** Decoded static segments; null: every request. */
  readonly prefix: readonly string[] | null;
  readonly fn: Middleware;
}

/** Parses a scope: a static path; "/" (or "*", "/*") is every request; a trailing "/*" is allowed. */
export function parsePrefix(path: string): string[] | null {
  let trimmed = path.endsWith("/*") ? path.slice(0, -2) : path === "*" ? "" : path;
  if (trimmed.endsWith("/")) trimmed = trimmed.slice(0, -1);
  if (trimmed === "") return null;
  const segments = parsePattern(trimmed, `use(${JSON.stringify(path)})`);
  if (segments.some((s) => s.kind !== "static")) {
    throw new RouteDefinitionError(`use(${JSON.stringify(path)}): a middleware path is a static prefix (no :name or *name)`);
  }
  return segments.map((s) => s.text);
}

/** The decoded segments of a target's path; null when the path answers 400. */
export function pathSegments(target: string): string[] | null {
  let end = target.indexOf("?");
  if (end < 0) end = target.length;
  const hash = target.indexOf("#");
  if (hash >= 0 && hash < end) end = hash;
  const path = target.slice(0, end);
  const escaped = checkPath(path);
  if (escaped === null) return null;
  const raw = path.slice(1).split("/");
  return escaped ? raw.map(decodePercent) : raw;
}

export function inScope(layer: Layer, segments: readonly string[] | null): boolean {
  if (layer.prefix === null) return true;
  if (segments === null || segments.length < layer.depth + layer.prefix.length) return false;
  return layer.prefix.every((text, i) => segments[layer.depth + i] === text);
}

/** Whether a layer may run for some request this route pattern matches (for tables: conservative). */
export function mayApply(layer: Layer, pattern: readonly PatternSegment[]): boolean {
  if (layer.prefix === null) return true;
  for (let i = 0; i < layer.prefix.length; i++) {
    const segment = pattern[layer.depth + i];
    if (segment === undefined) return false;
    if (segment.kind === "wildcard") return true;
    if (segment.kind === "static" && segment.text !== layer.prefix[i]) return false;
    if (segment.kind === "param" && layer.prefix[i] === "") return false;  // a parameter is never empty
  }
  return true;
}
