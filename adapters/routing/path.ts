/**
 * Request paths: validation and percent-decoding, as the C++ core does them
 * (router/percent.cpp): a path starts with "/", has no raw space or control
 * byte, every "%" starts "%XX", and the decoded bytes are valid UTF-8.
 */

const HEX = /^[0-9A-Fa-f]{2}$/;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * null: the path answers 400. Otherwise whether it has escapes (segments
 * must then be decoded before use).
 */
export function checkPath(path: string): boolean | null {
  if (path.length === 0 || path.charCodeAt(0) !== 0x2f) return null;
  let escaped = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return null;
    if (c === 0x25) {
      if (!HEX.test(path.slice(i + 1, i + 3))) return null;
      escaped = true;
      i += 2;
    } else if (c > 0x7f) {
      escaped = true;  // raw non-ASCII: must be well-formed (checked below)
    }
  }
  if (escaped && decodeToBytesIsUtf8(path) === false) return null;
  return escaped;
}

function decodeToBytesIsUtf8(path: string): boolean {
  try {
    decoder.decode(percentBytes(path));
    return true;
  } catch {
    return false;
  }
}

// The bytes a path stands for: raw characters as UTF-8, "%XX" as one byte.
function percentBytes(text: string): Uint8Array {
  const raw = new TextEncoder().encode(text);
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25 && i + 2 < raw.length && HEX.test(String.fromCharCode(raw[i + 1]!, raw[i + 2]!))) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16);
      i += 2;
    } else {
      out[n++] = raw[i]!;
    }
  }
  return out.subarray(0, n);
}

/** Decodes "%XX" escapes of a checked path segment (valid UTF-8 guaranteed by checkPath). */
export function decodePercent(segment: string): string {
  if (segment.indexOf("%") < 0) return segment;
  return decoder.decode(percentBytes(segment));
}
