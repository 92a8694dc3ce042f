/**
 * Segment patterns (router/segment.cpp in TypeScript): constrained and
 * multi-part parameter segments (`:id{[0-9]+}`, `v:version`, `:from-:to`)
 * and wildcards with static text (`*.png`, `assets*`). Matching works on
 * offsets into the walked text, so nothing is sliced until a route answers.
 */
import { ANY_VALUE, automatonAccepts, symbolAt, symbolLength, type Automaton } from "./constraint.js";
import { MAX_SEGMENT_PARAMS, MAX_SEGMENT_STATES } from "./limits.js";

export interface SegmentPattern {
  /** The rest of the path from this segment on, between prefix and suffix. */
  readonly wildcard: boolean;
  readonly prefix: string;
  readonly suffix: string;
  /** 1 for a wildcard. */
  readonly paramCount: number;
  /** paramCount - 1 non-empty ASCII texts between the parameters. */
  readonly separators: readonly string[];
  readonly automata: readonly Automaton[];
  /** For the order patterns are tried in: decoded static bytes (UTF-8), constrained parameters, the shape's bytes. */
  readonly staticBytes: number;
  readonly constrained: number;
  /** The segment written without names (equal shapes: the same pattern). */
  readonly shape: string;
  readonly shapeBytes: Uint8Array;
}

/**
 * Spans of the last successful match (start, end pairs into the matched
 * text), valid until the next match.
 */
export const spans = new Int32Array(2 * MAX_SEGMENT_PARAMS);

/** Matches text[start, end) (a decoded segment, non-empty); the parameters' spans in `spans`. */
export function matchSegment(p: SegmentPattern, text: string, start: number, end: number): boolean {
  const { prefix, suffix } = p;
  if (end - start <= prefix.length + suffix.length) return false;
  if ((prefix !== "" && !text.startsWith(prefix, start)) || (suffix !== "" && !text.startsWith(suffix, end - suffix.length))) return false;
  const from = start + prefix.length;
  const to = end - suffix.length;
  if (p.paramCount > 1) return splitMiddle(p, text, from, to);
  const a = p.automata[0]!;
  if (a !== ANY_VALUE && !automatonAccepts(a, text, from, to)) return false;
  spans[0] = from;
  spans[1] = to;
  return true;
}

/** Matches the rest of the path text[start, end); the wildcard's span in spans[0], spans[1]. */
export function matchTail(p: SegmentPattern, text: string, start: number, end: number): boolean {
  const { prefix, suffix } = p;
  if (end - start < prefix.length + suffix.length) return false;
  if ((prefix !== "" && !text.startsWith(prefix, start)) || (suffix !== "" && !text.startsWith(suffix, end - suffix.length))) return false;
  spans[0] = start + prefix.length;
  spans[1] = end - suffix.length;
  return true;
}

/** True when `a` is tried before `b` at one node (router/segment.cpp pattern_before). */
export function patternBefore(a: SegmentPattern, b: SegmentPattern): boolean {
  if (a.staticBytes !== b.staticBytes) return a.staticBytes > b.staticBytes;
  if (a.constrained !== b.constrained) return a.constrained > b.constrained;
  if (a.paramCount !== b.paramCount) return a.paramCount < b.paramCount;
  return compareBytes(a.shapeBytes, b.shapeBytes) < 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ---- several parameters: the Pike VM of router/segment.cpp ---------------------
// Threads in priority order, one per automaton state; a thread in
// parameter j, in an accepting state, goes on in j (tried first) or leaves
// for the separator after it. Each parameter gets, from left to right, the
// longest value with which the rest still matches.

// Thread lists: part, sub, and the ends of the parameters before.
const MAX_THREADS = MAX_SEGMENT_STATES + 2 * MAX_SEGMENT_PARAMS;
const STRIDE = 1 + MAX_SEGMENT_PARAMS;  // [part << 8 | sub, ends...]
const listA = new Int32Array(MAX_THREADS * STRIDE);
const listB = new Int32Array(MAX_THREADS * STRIDE);
const marks = new Int32Array(MAX_THREADS);
let stamp = 0;
const bases = new Int32Array(2 * MAX_SEGMENT_PARAMS);
let nextCount = 0;

function add(list: Int32Array, from: Int32Array | null, at: number, part: number, sub: number): void {
  if ((part & 1) === 0 && sub === 0) return;  // the dead state
  const id = bases[part]! + sub;
  if (marks[id] === stamp) return;
  marks[id] = stamp;
  const o = nextCount++ * STRIDE;
  list[o] = (part << 8) | sub;
  if (from !== null) for (let k = 1; k < STRIDE; k++) list[o + k] = from[at + k]!;
}

function splitMiddle(p: SegmentPattern, text: string, from: number, to: number): boolean {
  const last = p.paramCount - 1;
  let base = 0;
  for (let part = 0; part + 1 < 2 * p.paramCount; part++) {
    bases[part] = base;
    base += part % 2 === 0 ? p.automata[part >> 1]!.stateCount : p.separators[part >> 1]!.length + 1;
  }
  let current = listA;
  let next = listB;
  let count = 0;
  for (let i = from; i < to; ) {
    const symbol = symbolAt(text, i);
    nextCount = 0;
    if (++stamp === 0x7fffffff) {
      marks.fill(0);
      stamp = 1;
    }
    if (i === from) {
      const a = p.automata[0]!;
      add(next, null, 0, 0, a.next[a.classCount + a.classOf[symbol]!]!);
    }
    for (let t = 0; t < count; t++) {
      const o = t * STRIDE;
      const head = current[o]!;
      const part = head >> 8;
      const sub = head & 0xff;
      const j = part >> 1;
      if ((part & 1) === 0) {
        const a = p.automata[j]!;
        add(next, current, o, part, a.next[sub * a.classCount + a.classOf[symbol]!]!);
        if (j < last && a.accepting[sub] === 1 && p.separators[j]!.charCodeAt(0) === symbol) {
          const saved = current[o + 1 + j]!;
          current[o + 1 + j] = i - from;
          add(next, current, o, part + 1, 1);
          current[o + 1 + j] = saved;
        }
      } else if (sub < p.separators[j]!.length) {
        if (p.separators[j]!.charCodeAt(sub) === symbol) add(next, current, o, part, sub + 1);
      } else {
        const a = p.automata[j + 1]!;
        add(next, current, o, part + 1, a.next[a.classCount + a.classOf[symbol]!]!);
      }
    }
    const swap = current;
    current = next;
    next = swap;
    count = nextCount;
    if (count === 0) break;
    i += symbolLength(text, i);
  }
  for (let t = 0; t < count; t++) {
    const o = t * STRIDE;
    const head = current[o]!;
    if (head >> 8 !== 2 * last || p.automata[last]!.accepting[head & 0xff] !== 1) continue;
    let start = 0;
    for (let j = 0; j < last; j++) {
      const end = current[o + 1 + j]!;
      spans[2 * j] = from + start;
      spans[2 * j + 1] = from + end;
      start = end + p.separators[j]!.length;
    }
    spans[2 * last] = from + start;
    spans[2 * last + 1] = to;
    return true;
  }
  return false;
}
