/**
 * A request target read the way the matcher needs it, in one pass and
 * without splitting: the path's end, the position of every "/" (segment
 * boundaries), and whether it has escapes. Rules 1 to 4 of
 * tests/vectors/README.md, as router/match.cpp and router/percent.cpp apply
 * them: 414 over MAX_TARGET_LENGTH bytes (before anything else); 400 for a
 * path that does not start with "/", holds a raw space or control byte, a
 * "%" that does not start "%XX", or decodes to invalid UTF-8.
 *
 * When the path has escapes (or raw non-ASCII), `text` is the decoded path:
 * "/" + the decoded segments joined by "/", with `bounds` still at the raw
 * separators (a "%2F" decodes to a "/" inside its segment, never a boundary).
 */
import { MAX_TARGET_LENGTH } from "./limits.js";
import { decodeSegment } from "./path.js";
import { utf8Length } from "./utf8.js";

export class PathView {
  /** The path (raw, or decoded when `escaped`); segments lie in text[0, end). */
  text = "";
  end = 0;
  /** Number of segments ("/" is one empty segment). */
  count = 0;
  /**
   * bounds[k] is the index of the "/" before segment k; bounds[count] = end.
   * Segment k is text.slice(bounds[k] + 1, bounds[k + 1]).
   */
  readonly bounds: Int32Array;
  escaped = false;
  /** The longest target this view reads (its bounds hold one per byte); longer ones answer 414. */
  readonly maxLength: number;

  constructor(maxLength = MAX_TARGET_LENGTH) {
    this.maxLength = maxLength;
    this.bounds = new Int32Array(maxLength + 2);
  }
}

/** Reads `target` into `view`: 0, or the error status (400, 414) it answers. */
export function readTarget(target: string, view: PathView): 0 | 400 | 414 {
  const length = target.length;
  const max = view.maxLength;
  if (length > max) return 414;
  // Below a third of the limit, no UTF-8 encoding can exceed it.
  if (length * 3 > max && utf8Length(target) > max) return 414;
  if (length === 0 || target.charCodeAt(0) !== 0x2f) return 400;
  const bounds = view.bounds;
  let count = 0;
  let escaped = false;
  let end = length;
  bounds[0] = 0;
  for (let i = 1; i < length; i++) {
    const c = target.charCodeAt(i);
    if (c >= 0x30) {
      if (c < 0x7f) {
        if (c !== 0x3f) continue;  // digits, letters and most punctuation
        end = i;  // '?'
        break;
      }
      if (c === 0x7f) return 400;
      escaped = true;  // raw non-ASCII: decoded (and checked) below
    } else if (c === 0x2f) {
      bounds[++count] = i;
    } else if (c === 0x25) {
      if (!isHex(target.charCodeAt(i + 1)) || !isHex(target.charCodeAt(i + 2))) return 400;
      escaped = true;
      i += 2;
    } else if (c === 0x23) {
      end = i;  // '#'
      break;
    } else if (c <= 0x20) {
      return 400;
    }
  }
  bounds[++count] = end;
  view.count = count;
  view.escaped = escaped;
  if (!escaped) {
    view.text = target;
    view.end = end;
    return 0;
  }
  return decodeInto(target, view) ? 0 : 400;
}

// Segment by segment: a "%2F" stays inside its segment. The whole path is
// valid UTF-8 exactly when every segment is (a "/" byte cannot continue a
// multi-byte sequence).
function decodeInto(target: string, view: PathView): boolean {
  const bounds = view.bounds;
  let text = "";
  for (let k = 0; k < view.count; k++) {
    const segment = decodeSegment(target.slice(bounds[k]! + 1, bounds[k + 1]!));
    if (segment === null) return false;
    bounds[k] = text.length;
    text += "/" + segment;
  }
  bounds[view.count] = text.length;
  view.text = text;
  view.end = text.length;
  return true;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}
