// A strict parser for the HTTP/1.1 responses a server sends (RFC 9112
// sections 4 to 6), pipelined ones included, and helpers to show bytes in
// failure messages. Server-neutral.

export interface HttpResponse {
  /** "HTTP/1.1" */
  version: string;
  status: number;
  reason: string;
  /** Field lines in order, names as sent. */
  headers: Array<[string, string]>;
  /** The field's value (several lines joined with ", "), or null when absent; name case-insensitive. */
  header(name: string): string | null;
  /** How many field lines carry this name. */
  headerCount(name: string): number;
  body: Buffer;
  /** The body as UTF-8. */
  text: string;
  /** This response's bytes on the wire. */
  raw: Buffer;
}

export interface ParsedStream {
  responses: HttpResponse[];
  /** Bytes after the last complete response (an incomplete one, or nothing). */
  rest: Buffer;
}

function findCrlfCrlf(data: Buffer, from: number): number {
  return data.indexOf("\r\n\r\n", from, "latin1");
}

/**
 * Splits a byte stream from the server into responses. `head[i]` says whether
 * the i-th request (counting final answers only, not 1xx) was HEAD: its answer
 * has no body whatever its Content-Length (RFC 9110 9.3.2). 1xx, 204 and 304
 * answers have no body either. A body without Content-Length or chunked runs
 * to the end of the stream (counted complete only when `closed`). Malformed
 * bytes (bare LF, a bad status line, a bad Content-Length) throw.
 */
export function parseResponses(data: Buffer, head: readonly boolean[] | boolean = false, closed = false): ParsedStream {
  const responses: HttpResponse[] = [];
  let offset = 0;
  let finalIndex = 0;
  while (offset < data.length) {
    const end = findCrlfCrlf(data, offset);
    if (end === -1) break;
    const headText = data.subarray(offset, end).toString("latin1");
    const lines = headText.split("\r\n");
    for (const line of lines) {
      if (line.includes("\n") || line.includes("\r")) throw new Error(`bare CR or LF in response head at byte ${offset}: ${JSON.stringify(headText)}`);
    }
    const statusLine = /^(HTTP\/\d\.\d) (\d{3}) ([^\x00-\x08\x0a-\x1f\x7f]*)$/.exec(lines[0]!);
    if (!statusLine) throw new Error(`bad status line at byte ${offset}: ${JSON.stringify(lines[0])}`);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const field = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/.exec(line);
      if (!field) throw new Error(`bad header line in response: ${JSON.stringify(line)}`);
      headers.push([field[1]!, field[2]!]);
    }
    const values = (name: string) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    const status = Number(statusLine[2]);
    const interim = status >= 100 && status < 200;
    const isHead = !interim && (typeof head === "boolean" ? head : head[finalIndex] ?? false);
    const bodyStart = end + 4;
    let body: Buffer;
    let next: number;
    const lengths = values("content-length");
    const te = values("transfer-encoding");
    if (interim || isHead || status === 204 || status === 304) {
      body = Buffer.alloc(0);
      next = bodyStart;
    } else if (te.length > 0) {
      if (!/(^|,)\s*chunked\s*$/i.test(te.join(","))) throw new Error(`response Transfer-Encoding ${te.join(", ")} not understood`);
      const decoded = decodeChunked(data, bodyStart);
      if (decoded === null) break;
      body = decoded.body;
      next = decoded.next;
    } else if (lengths.length > 0) {
      const distinct = new Set(lengths.flatMap((v) => v.split(",").map((s) => s.trim())));
      const only = [...distinct][0]!;
      if (distinct.size !== 1 || !/^\d+$/.test(only)) throw new Error(`bad response Content-Length: ${JSON.stringify(lengths)}`);
      const length = Number(only);
      if (data.length - bodyStart < length) break;
      body = data.subarray(bodyStart, bodyStart + length);
      next = bodyStart + length;
    } else {
      if (!closed) break;
      body = data.subarray(bodyStart);
      next = data.length;
    }
    const raw = data.subarray(offset, next);
    responses.push({
      version: statusLine[1]!,
      status,
      reason: statusLine[3]!,
      headers,
      header: (name) => {
        const all = values(name);
        return all.length === 0 ? null : all.join(", ");
      },
      headerCount: (name) => values(name).length,
      body,
      text: body.toString("utf8"),
      raw,
    });
    if (!interim) ++finalIndex;
    offset = next;
  }
  return { responses, rest: data.subarray(offset) };
}

function decodeChunked(data: Buffer, start: number): { body: Buffer; next: number } | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at, "latin1");
    if (lineEnd === -1) return null;
    const sizeText = data.subarray(at, lineEnd).toString("latin1").split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size in response: ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = data.indexOf("\r\n", at, "latin1") === at ? at : findCrlfCrlf(data, at);
      if (trailerEnd === -1) return null;
      return { body: Buffer.concat(parts), next: trailerEnd === at ? at + 2 : trailerEnd + 4 };
    }
    if (data.length < at + size + 2) return null;
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

/** Parses a whole reply; throws if bytes are left over after the last complete response. */
export function parseAll(data: Buffer, head: readonly boolean[] | boolean = false, closed = true): HttpResponse[] {
  const { responses, rest } = parseResponses(data, head, closed);
  if (rest.length > 0) {
    throw new Error(`${rest.length} bytes after ${responses.length} complete responses: ${JSON.stringify(rest.subarray(0, 300).toString("latin1"))}`);
  }
  return responses;
}

/** How many final (non-1xx) responses are complete in `data`. */
export function completeResponses(data: Buffer, head: readonly boolean[] | boolean = false): number {
  try {
    return parseResponses(data, head).responses.filter((r) => r.status >= 200).length;
  } catch {
    return 0;
  }
}

/**
 * Status lines ("HTTP/1.1 200 ...") anywhere in the stream, interim ones
 * included. A body is directly followed by the next status line, so this
 * matches anywhere, not only after a newline (no test body contains it).
 */
export function countStatusLines(data: Buffer): number {
  return data.toString("latin1").match(/HTTP\/\d\.\d \d{3} /g)?.length ?? 0;
}

/** A readable rendering of bytes for failure messages. */
export function show(data: Buffer | string, max = 600): string {
  const text = typeof data === "string" ? data : data.toString("latin1");
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...(${text.length} bytes)` : text);
}
