/**
 * The matcher that generates no code: a depth-first walk of one method's
 * tree, at every segment static child, segment patterns, parameter,
 * wildcard patterns, wildcard, backtracking when a branch fails further
 * down (rule 7). Each node is reached at most once per request. A capture
 * is recorded as two offsets (a pattern's before its branch is walked: the
 * branch below only writes captures after its own), so a failed branch
 * costs nothing to undo. Two walks:
 *
 * - walkTarget, on the raw target, for the common request: it reads the
 *   target as it goes (no pass over it first, no split, no substring),
 *   comparing static segments in place and checking only the characters a
 *   parameter or wildcard takes. It gives up (null) on anything that needs
 *   the full rules: an escape, a character the path may not hold raw, or no
 *   route at all.
 * - walkView, on a PathView (readTarget: the rules in full, decoded
 *   segments), for everything walkTarget gave up on.
 *
 * Both give the same route: walkTarget only answers when every character of
 * the path has been seen, either equal to a plain static text or checked as
 * a parameter's, so the path has no escape and the view's walk would take
 * the same branches.
 */
import type { PathView } from "./path-view.js";
import type { MethodNode, Route, ShapeNode } from "./tree.js";
import { MAX_PARAMS } from "./limits.js";
import { matchSegment, matchTail, spans } from "./segment.js";

/**
 * Capture offsets of the last successful walk: capture i is
 * text.slice(captures[2i], captures[2i + 1]) of the walked text (the target
 * for walkTarget, view.text for walkView). Valid until the next walk.
 */
export const captures = new Int32Array(2 * MAX_PARAMS);

function capture(depth: number, start: number, end: number): void {
  captures[2 * depth] = start;
  captures[2 * depth + 1] = end;
}

// ---- on the raw target ------------------------------------------------------

// Returned up the whole walk when the target needs the full rules: being
// non-null, it stops every caller on its way (a failed branch returns null).
const GIVE_UP = Object.freeze({}) as Route<never>;

/**
 * The route for the target at `target[start]` (a "/"), or null: no route,
 * or the target needs walkView. The path ends at the first "?" or "#".
 * Captures are offsets into `target`.
 */
export function walkTarget<T>(root: MethodNode<T>, target: string, start = 0): Route<T> | null {
  const route = stepTarget(root, target, start + 1, 0);
  return route === GIVE_UP ? null : route;
}

// The end of the parameter or wildcard text from `start`, or -1 when a
// character in it needs the full rules ('%', space, controls, DEL,
// non-ASCII). `slash`: whether "/" ends it (a parameter) or not (a wildcard).
export function plainEnd(target: string, start: number, slash: boolean): number {
  const length = target.length;
  for (let i = start; i < length; i++) {
    const c = target.charCodeAt(i);
    if (c > 0x2f && c < 0x7f) {
      if (c === 0x3f) return i;  // '?'
      continue;
    }
    if (c === 0x23) return i;  // '#'
    if (c === 0x2f) {
      if (slash) return i;
      continue;
    }
    if (c <= 0x20 || c === 0x25 || c >= 0x7f) return -1;
  }
  return length;
}

// The code unit at `i`, or -1 past the end (reading past it would deoptimise).
function at(target: string, i: number): number {
  return i < target.length ? target.charCodeAt(i) : -1;
}

function stepTarget<T>(node: MethodNode<T>, target: string, start: number, depth: number): Route<T> | null {
  const first = at(target, start);
  if (first === 0x2f || first < 0 || first === 0x3f || first === 0x23) {
    // An empty segment: only a static "" (or a wildcard) takes it.
    const empty = node.empty;
    if (empty !== null) {
      const found = first === 0x2f ? stepTarget(empty, target, start + 1, depth) : empty.route;
      if (found !== null) return found;
    }
  } else {
    const list = node.plainByFirst === null ? node.plain : first < 128 ? node.plainByFirst[first] : undefined;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const child = list[i]!;
        if (child.first !== first) continue;
        const text = child.text;
        const length = text.length;
        if (start + length > target.length) continue;
        let j = 1;
        while (j < length && target.charCodeAt(start + j) === text.charCodeAt(j)) j++;
        if (j < length) continue;
        const c = at(target, start + length);
        if (c === 0x2f) {
          const found = stepTarget(child, target, start + length + 1, depth);
          if (found !== null) return found;
          break;  // only one child can equal the segment
        }
        if (c < 0 || c === 0x3f || c === 0x23) {
          if (child.route !== null) return child.route;
          break;
        }
      }
    }
    const patterns = node.patterns;
    if (patterns.length > 0) {
      const end = plainEnd(target, start, true);
      if (end < 0) return GIVE_UP;
      const slash = at(target, end) === 0x2f;
      for (let i = 0; i < patterns.length; i++) {
        const { pattern, node: child } = patterns[i]!;
        if (!matchSegment(pattern, target, start, end)) continue;
        const k = pattern.paramCount;
        for (let j = 0; j < k; j++) capture(depth + j, spans[2 * j]!, spans[2 * j + 1]!);
        const found = slash ? stepTarget(child, target, end + 1, depth + k) : child.route;
        if (found !== null) return found;
      }
    }
    const param = node.param;
    if (param !== null) {
      const end = plainEnd(target, start, true);
      if (end < 0) return GIVE_UP;
      const found = at(target, end) === 0x2f ? stepTarget(param, target, end + 1, depth + 1) : param.route;
      if (found !== null) {
        capture(depth, start, end);
        return found;
      }
    }
  }
  const tails = node.tails;
  for (let i = 0; i < tails.length; i++) {
    const end = plainEnd(target, start, false);
    if (end < 0) return GIVE_UP;
    const { pattern, node: child } = tails[i]!;
    if (child.route !== null && matchTail(pattern, target, start, end)) {
      capture(depth, spans[0]!, spans[1]!);
      return child.route;
    }
  }
  const wildcard = node.wildcard;
  if (wildcard !== null && wildcard.route !== null) {
    const end = plainEnd(target, start, false);
    if (end < 0) return GIVE_UP;
    capture(depth, start, end);
    return wildcard.route;
  }
  return null;
}

// ---- on a PathView ------------------------------------------------------------

/** The route answering the view's path in this tree, its captures in `captures`; null when none. */
export function walkView<T>(root: MethodNode<T>, view: PathView): Route<T> | null {
  return stepView(root, view, 0, 0);
}

function stepView<T>(node: MethodNode<T>, view: PathView, k: number, depth: number): Route<T> | null {
  const bounds = view.bounds;
  const start = bounds[k]! + 1;
  const end = bounds[k + 1]!;
  const last = k + 1 === view.count;
  const child = staticChild(node, view.text, start, end);
  if (child !== null) {
    const found = last ? child.route : stepView(child, view, k + 1, depth);
    if (found !== null) return found;
  }
  const patterns = node.patterns;
  for (let i = 0; i < patterns.length && end > start; i++) {
    const { pattern, node: next } = patterns[i]!;
    if (!matchSegment(pattern, view.text, start, end)) continue;
    const n = pattern.paramCount;
    for (let j = 0; j < n; j++) capture(depth + j, spans[2 * j]!, spans[2 * j + 1]!);
    const found = last ? next.route : stepView(next, view, k + 1, depth + n);
    if (found !== null) return found;
  }
  const param = node.param;
  if (param !== null && end > start) {
    const found = last ? param.route : stepView(param, view, k + 1, depth + 1);
    if (found !== null) {
      capture(depth, start, end);
      return found;
    }
  }
  const tails = node.tails;
  for (let i = 0; i < tails.length; i++) {
    const { pattern, node: next } = tails[i]!;
    if (next.route !== null && matchTail(pattern, view.text, start, view.end)) {
      capture(depth, spans[0]!, spans[1]!);
      return next.route;
    }
  }
  const wildcard = node.wildcard;
  if (wildcard !== null && wildcard.route !== null) {
    capture(depth, start, view.end);
    return wildcard.route;
  }
  return null;
}

function staticChild<T>(node: MethodNode<T>, text: string, start: number, end: number): MethodNode<T> | null {
  const length = end - start;
  const list = node.statics;
  for (let i = 0; i < list.length; i++) {
    const child = list[i]!;
    if (child.text.length === length && text.startsWith(child.text, start)) return child;
  }
  return null;
}

/**
 * The Allow bits of every route path that matches the view (for 405): a
 * walk of the whole tree that visits every matching node, never stopping
 * early. Only run when no route took the method.
 */
export function allowMask<T>(node: ShapeNode<T>, view: PathView, k = 0): number {
  const bounds = view.bounds;
  const start = bounds[k]! + 1;
  const end = bounds[k + 1]!;
  const last = k + 1 === view.count;
  let mask = 0;
  const child = node.statics.get(view.text.slice(start, end));
  if (child !== undefined) mask |= last ? child.allow : allowMask(child, view, k + 1);
  for (const { pattern, node: next } of node.patterns.values()) {
    if (pattern.wildcard) {
      if (matchTail(pattern, view.text, start, view.end)) mask |= next.allow;
    } else if (end > start && matchSegment(pattern, view.text, start, end)) {
      mask |= last ? next.allow : allowMask(next, view, k + 1);
    }
  }
  if (node.param !== null && end > start) mask |= last ? node.param.allow : allowMask(node.param, view, k + 1);
  if (node.wildcard !== null) mask |= node.wildcard.allow;
  return mask;
}
