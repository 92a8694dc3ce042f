/**
 * Middleware scopes: `use("/api", fn)` runs fn for requests whose path is
 * /api or below it. Compared on percent-decoded segments, as the router
 * compares them, so `/%61pi/x` (routed to /api/x) is in scope too.
 */
import { PathView, readTarget } from "../routing/path-view.js";
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

// Read synchronously, so one view serves every call.
const view = new PathView();

/** The decoded segments of a target's path; null when the path answers 400. */
export function pathSegments(target: string): string[] | null {
  // A target over the router's limit (answered 414) is still in or out of scope by its path.
  const reader = target.length * 3 <= view.maxLength ? view : new PathView(target.length * 3);
  if (readTarget(target, reader) !== 0) return null;
  const segments: string[] = [];
  for (let k = 0; k < reader.count; k++) segments.push(reader.text.slice(reader.bounds[k]! + 1, reader.bounds[k + 1]!));
  return segments;
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
