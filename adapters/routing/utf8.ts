/**
 * The UTF-8 length of a string, without encoding it: what Content-Length
 * says for a text body, and what the 414 limit counts. A lone surrogate
 * counts as U+FFFD (3 bytes), as TextEncoder writes it.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;  // a pair: 2 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

const encoder = new TextEncoder();

/**
 * A string's UTF-8 bytes as a byte string (one char per byte, 0 to 255):
 * how Fetch Headers hold bytes. A table's field value is UTF-8 text, sent
 * as those bytes by hotpath-server; on a Response, its byte string sends
 * the same bytes (a plain "é" would go out as the single byte 0xE9).
 */
export function byteString(text: string): string {
  // ASCII, the usual case, is its own byte string.
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  let out = "";
  for (const byte of encoder.encode(text)) out += String.fromCharCode(byte);
  return out;
}
