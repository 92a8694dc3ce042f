/**
 * Percent-decoding, as the C++ core does it (router/percent.cpp): "%XX" is
 * one byte, raw characters stand for their UTF-8 bytes, and the decoded
 * bytes must be valid UTF-8.
 */
// ignoreBOM: a segment may start with U+FEFF, which is part of its text.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The decoded text of one raw segment (escapes checked), or null when its bytes are not valid UTF-8. */
export function decodeSegment(segment: string): string | null {
  try {
    return decodePercent(segment);
  } catch {
    return null;
  }
}

/** Decodes "%XX" escapes of a checked path segment; throws when the bytes are not valid UTF-8. */
export function decodePercent(segment: string): string {
  let ascii = true;
  for (let i = 0; i < segment.length && ascii; i++) ascii = segment.charCodeAt(i) !== 0x25 && segment.charCodeAt(i) < 0x80;
  if (ascii) return segment;
  return decoder.decode(percentBytes(segment));
}

// The bytes a segment stands for: raw characters as UTF-8, "%XX" as one byte.
function percentBytes(text: string): Uint8Array {
  const raw = encoder.encode(text);
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const high = raw[i] === 0x25 ? hexValue(raw[i + 1]) : -1;
    const low = high < 0 ? -1 : hexValue(raw[i + 2]);
    if (low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else {
      out[n++] = raw[i]!;
    }
  }
  return out.subarray(0, n);
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
