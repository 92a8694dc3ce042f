/**
 * Load-error messages as the C++ core writes them (router/message.h), so a
 * table refused on one path is refused with the same words on every path
 * (the differential fuzzer compares them).
 */
import { MAX_ERROR_MESSAGE } from "./limits.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });  // a leading U+FEFF is text

/**
 * Quotes user input: at most `limit` bytes of its UTF-8 (never cutting a
 * character), control bytes as "?", "..." when cut (MessageWriter::excerpt).
 */
export function excerpt(text: string, limit = 48): string {
  const bytes = encoder.encode(text);
  let n = bytes.length;
  if (n > limit) {
    n = limit;
    while (n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  }
  const shown = decoder.decode(bytes.subarray(0, n)).replace(/[\u0000-\u001f\u007f]/g, "?");
  return `'${shown}${n < bytes.length ? "..." : ""}'`;
}

/** A whole message, cut to the core's buffer (MAX_ERROR_MESSAGE bytes) as it is there. */
export function capped(message: string): string {
  const bytes = encoder.encode(message);
  return bytes.length <= MAX_ERROR_MESSAGE ? message : decoder.decode(bytes.subarray(0, MAX_ERROR_MESSAGE));
}
