/**
 * The syntax of HTTP field values that every TypeScript path reads the way
 * the C++ side does: OWS (RFC 9110 5.6.3) is spaces and tabs, a list
 * (5.6.1) is comma-separated with OWS around each element and empty
 * elements ignored, and names and tokens compare ASCII letters without case.
 *
 * String.prototype.trim and toLowerCase mean more than that: trim also
 * takes NBSP (a field's byte 0xA0) and other Unicode spaces, toLowerCase
 * folds the Latin-1 letters of bytes 0xC0-0xDE. The C++ side's owner is
 * router/bytes.h (is_ows, trim_ows, slice_equals_nocase), used by
 * native/http_parser.cpp (for_each_element), native/response_writer.cpp
 * (each_token) and router/render.cpp (media_type).
 */

/** A space or a tab. */
export function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The first index of text[a, b) past leading OWS. */
export function owsSkipped(text: string, a: number, b: number): number {
  while (a < b && isOws(text.charCodeAt(a))) a++;
  return a;
}

/** The end of text[a, b) before trailing OWS. */
export function owsCut(text: string, a: number, b: number): number {
  while (b > a && isOws(text.charCodeAt(b - 1))) b--;
  return b;
}

/** `text` without OWS at either end. */
export function trimOws(text: string): string {
  const a = owsSkipped(text, 0, text.length);
  const b = owsCut(text, a, text.length);
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

/** The elements of a list value, OWS trimmed, empty ones left out: "a, ,b " is ["a", "b"]. */
export function listElements(value: string): string[] {
  const elements: string[] = [];
  let start = 0;
  for (let k = 0; k <= value.length; k++) {
    if (k < value.length && value.charCodeAt(k) !== 0x2c) continue;  // ','
    const a = owsSkipped(value, start, k);
    const b = owsCut(value, a, k);
    if (b > a) elements.push(value.slice(a, b));
    start = k + 1;
  }
  return elements;
}

/** text[at, at + lower.length) equals `lower` (lowercase ASCII), ASCII letters compared without case. */
export function asciiNoCase(text: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = text.charCodeAt(at + i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** `text` with its ASCII letters lowercased, and nothing else changed. */
export function asciiLower(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
  }
  return text;
}
