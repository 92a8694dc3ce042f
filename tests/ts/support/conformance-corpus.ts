// llhttp's request corpus (tests/conformance/http1-requests.jsonl) as bytes
// to send to a whole server over a socket, and what a server does with each:
// the statuses it answers and whether it then closes. The corpus comes from
// a parser, which leaves Host to the server: an HTTP/1.1 request line whose
// head has no Host gets "Host: conformance.test" after it (as the C++
// conformance test does), so that the rest of the request is what is tested.
import { readFileSync } from "node:fs";

import { countStatusLines, parseAll } from "./http-responses.js";
import { root } from "./node-files.js";
import { exchange } from "./raw-client.js";

export interface CorpusCase {
  id: string;
  /** The bytes sent (the corpus's, with the Host lines added). */
  bytes: Buffer;
}

const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ \r\n]+ HTTP\/1\.1\r\n/;

/** The corpus's bytes with a Host after every HTTP/1.1 request line whose head has none. */
export function withHosts(raw: Buffer): Buffer {
  const text = raw.toString("latin1");
  let out = "";
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = text.indexOf("\n", pos);
    const line = lineEnd < 0 ? text.slice(pos) : text.slice(pos, lineEnd + 1);
    out += line;
    if (REQUEST_LINE.test(line)) {
      const headEnd = text.indexOf("\r\n\r\n", pos);
      const head = headEnd < 0 ? text.slice(pos) : text.slice(pos, headEnd + 2);
      if (!/\r\nhost:/i.test(head)) out += "Host: conformance.test\r\n";
    }
    if (lineEnd < 0) break;
    pos = lineEnd + 1;
  }
  return Buffer.from(out, "latin1");
}

export const CORPUS: readonly CorpusCase[] = readFileSync(`${root}tests/conformance/http1-requests.jsonl`, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as { id: string; raw_b64: string })
  .map((c) => ({ id: c.id, bytes: withHosts(Buffer.from(c.raw_b64, "base64")) }));

/** Routes every path, so that routing never decides an outcome. */
export const CORPUS_TABLE = "ANY\t/\t200\ttext/plain\tok\nANY\t/*rest\t200\ttext/plain\tok\n";

/** "200, 400; closed": the statuses answered (interim ones included) and whether the server closed within `waitMs`. */
export async function corpusOutcome(port: number, bytes: Buffer, waitMs = 1_500): Promise<string> {
  const reply = await exchange(port, bytes, { timeoutMs: waitMs });
  let statuses: string;
  try {
    statuses = parseAll(reply.data, false, reply.closedByServer).map((r) => r.status).join(", ");
  } catch {
    statuses = `${countStatusLines(reply.data)} status lines, unparsable`;
  }
  return `${statuses === "" ? "no answer" : statuses}; ${reply.closedByServer ? "closed" : "kept open"}`;
}

/** Every corpus case's outcome on the server at `port`, all at once (each on its own connection). */
export async function corpusOutcomes(port: number): Promise<Map<string, string>> {
  const outcomes = await Promise.all(CORPUS.map(async (c) => [c.id, await corpusOutcome(port, c.bytes)] as const));
  return new Map(outcomes);
}
