// Where a JavaScript listener cannot answer a socket case of http1-cases.ts
// as hotpath-server does, because the runtime decides before any JavaScript
// runs: what node:http (llhttp) or Bun.serve does instead, exactly, and why.
// Everything else those runtimes let through is refused by
// adapters/server/strict-request.ts and answered as hotpath-server answers.
//
// The suites run each of these cases against its runtime with this
// expectation instead of the case's (so a runtime upgrade that changes one
// fails them), and SECURITY.md ("Where Node and Bun differ") must hold
// exactly the rows differenceRows() renders from this file.
import { HTTP1_CASES, type AnswerSpec, type Http1Case } from "./http1-cases.js";

export type Runtime = "node" | "bun";

export interface Difference {
  /** The case's name in http1-cases.ts. */
  case: string;
  /** Every answer the runtime gives instead, in order. */
  answers: AnswerSpec[];
  /** Whether it then closes the connection. */
  closed: boolean;
  /** The runtime frames the message otherwise: the request hidden behind it is answered. */
  hiddenAnswered?: boolean;
  /** Replaces the case's. */
  timeoutMs?: number;
  elapsedMs?: { atLeast?: number; below?: number };
  /** Why, in a sentence (the last column of SECURITY.md's table). */
  why: string;
}

const closed = (status: number, why: string, name: string): Difference => ({ case: name, answers: [{ status }], closed: true, why });
const CREATED: AnswerSpec = { status: 201, body: "created" };
const SMUGGLED_ANSWER: AnswerSpec = { status: 200, body: "hello smuggled" };

const LLHTTP_CHUNK_EXTENSIONS = "llhttp accepts the extension; the request after the body is a request of its own";
const BUN_505 = "Bun answers 505 to every request line it cannot parse";
const BUN_CHUNK_EXTENSIONS = "Bun accepts the extension; the request after the body is a request of its own";
const BUN_TRAILERS = "Bun ends a chunked body at its last chunk and reads the trailer section as the next request, which it refuses";
const BUN_BWS = "Bun refuses whitespace in a chunk line";

export const DIFFERENCES: Readonly<Record<Runtime, readonly Difference[]>> = {
  node: [
    closed(400, "llhttp refuses whitespace before ';' in a chunk line", "BWS before ';' in a chunk extension is accepted (RFC 9112 7.1.1 grammar)"),
    closed(400, "llhttp refuses a list in Content-Length", "Content-Length: 5, 5 (a list of identical values) is accepted"),
    closed(400, "llhttp refuses a second Content-Length line", "two Content-Length lines with the same value are one list of identical values: accepted"),
    {
      case: "two spaces in the request line → 400", answers: [{ status: 200, body: "hello a" }, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true,
      why: "llhttp skips the second space; JavaScript sees the request as if it had one",
    },
    closed(505, "llhttp reads a request line without a version as HTTP/0.9, which JavaScript cannot tell from `HTTP/0.9`: a version not served", "a request line without a version → 400"),
    closed(400, "llhttp does not take a trailing HTAB as whitespace in Transfer-Encoding", "TE 'chunked<HTAB>' (trailing HTAB is OWS, RFC 9110 5.5): chunked; the request after the last chunk is a separate request and answered"),
    closed(400, "llhttp refuses an HTAB around the Content-Length value", "'Content-Length:<HTAB>5<HTAB>' (HTAB is OWS, RFC 9110 5.6.3): frames 5 bytes"),
    { case: "chunk extension ';=v' (no name, RFC 9112 7.1.1) → 400", answers: [CREATED, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true, why: LLHTTP_CHUNK_EXTENSIONS },
    { case: "chunk extension ';a=' (no value, RFC 9112 7.1.1) → 400", answers: [CREATED, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true, why: LLHTTP_CHUNK_EXTENSIONS },
    closed(400, "llhttp refuses whitespace around '=' in a chunk extension", "chunk extensions with BWS around ';' and '=' and a quoted value (RFC 9112 7.1.1): accepted"),
  ],
  bun: [
    closed(400, "Bun refuses empty lines before a request line", "empty lines before a request line are ignored (RFC 9112 2.2)"),
    {
      case: "HTTP/1.0 with Connection: keep-alive: answered with Connection: keep-alive and kept open", answers: [{ status: 200, body: "hello k1" }], closed: true,
      why: "Bun closes every HTTP/1.0 connection after its answer",
    },
    closed(400, "Bun refuses the asterisk form", "OPTIONS * answers 204 with an Allow of the methods, no body, connection kept"),
    {
      case: "chunked body with extensions (quoted too) and trailers, then a pipelined request: both answered",
      answers: [CREATED, { status: 400 }], closed: true, why: BUN_TRAILERS,
    },
    closed(400, BUN_BWS, "BWS before ';' in a chunk extension is accepted (RFC 9112 7.1.1 grammar)"),
    closed(400, "Bun refuses a list in Content-Length", "Content-Length: 5, 5 (a list of identical values) is accepted"),
    {
      case: "Expect: 100-continue in an HTTP/1.0 request is ignored (RFC 9110 10.1.1): no 100", answers: [{ status: 100 }, CREATED], closed: true,
      why: "Bun sends 100 Continue itself, also to HTTP/1.0",
    },
    closed(400, "Bun refuses a coding other than chunked", "Transfer-Encoding: gzip, chunked (a coding other than chunked before chunked) → 501"),
    ...[
      "lowercase http/1.1 (HTTP-name is case-sensitive) → 400",
      "HTTP/1.10 (one digit each side) → 400",
      "a request line without a version → 400",
      "a control byte in the target → 400",
      "bare LF line endings (llhttp's lenient mode accepts these; this server is strict) → 400",
      "a bare LF ending the request line → 400",
      "a NUL in the target (RFC 9112 3.2) → 400",
      "a bare CR in the target (RFC 9112 2.2, 3.2) → 400",
      "a bare CR ending the request line (RFC 9112 2.2) → 400",
      "a space after the version (RFC 9112 3) → 400",
      "'HTTP/1' without a minor version (RFC 9112 2.3) → 400",
    ].map((name) => closed(505, BUN_505, name)),
    {
      case: "DEL in the target → 400", answers: [{ status: 200, body: "hello a\x7fb" }, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true,
      why: "Bun percent-encodes the byte (%7F) before JavaScript sees the URL",
    },
    {
      case: "a non-ASCII byte in the target → 400", answers: [{ status: 200, body: "hello caf\ufffd" }, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true,
      why: "Bun replaces the byte with U+FFFD, percent-encoded, before JavaScript sees the URL",
    },
    ...[
      "chunk extension ';' without a name (RFC 9112 7.1.1) → 400",
      "chunk extension ';=v' (no name, RFC 9112 7.1.1) → 400",
      "chunk extension ';a=' (no value, RFC 9112 7.1.1) → 400",
      "chunk extension with an unterminated quoted-string (RFC 9112 7.1.1, RFC 9110 5.6.4) → 400",
    ].map((name): Difference => ({ case: name, answers: [CREATED, SMUGGLED_ANSWER], closed: false, hiddenAnswered: true, why: BUN_CHUNK_EXTENSIONS })),
    closed(400, BUN_BWS, "chunk extensions with BWS around ';' and '=' and a quoted value (RFC 9112 7.1.1): accepted"),
    ...[
      "the last chunk without the final CRLF, a request right after it: read as a trailer line, invalid (RFC 9112 7.1.2) → 400",
      "obs-fold in the trailer section (RFC 9112 7.1.2, 5.2) → 400",
      "a trailer line without a colon (RFC 9112 7.1.2) → 400",
      "a NUL in a trailer field value (RFC 9110 5.5) → 400",
    ].map((name): Difference => ({ case: name, answers: [CREATED, { status: 400 }], closed: true, why: BUN_TRAILERS })),
    {
      case: "a header section over 4096 bytes sent in pieces, never completed → 431 and close", answers: [], closed: true,
      timeoutMs: 25_000, elapsedMs: { atLeast: 8_000 },
      why: "Bun sees no head before it is whole (its own limit is 16 KiB), and closes an unfinished head after its fixed head timeout (about 10 s) without an answer",
    },
    {
      case: "Expect: 100-continue with a Content-Length over the limit → 413 and close, no 100 Continue (RFC 9110 10.1.1, 15.5.14)",
      answers: [{ status: 100 }, { status: 413 }], closed: true, why: "Bun sends 100 Continue before it checks the length",
    },
    {
      case: "half a request line, then silence: 408 and close after about 500 ms", answers: [], closed: true, timeoutMs: 25_000, elapsedMs: { atLeast: 8_000 },
      why: "Bun has no header timeout to set: it closes an unfinished head after its fixed head timeout (about 10 s) without an answer",
    },
    {
      case: "a head trickled one byte per 100 ms still times out (slowloris): 408 and close", answers: [{ status: 200, body: "hello trickle" }], closed: false,
      why: "the head is whole before Bun's fixed head timeout (about 10 s)",
    },
    {
      case: "a connection that sends nothing is closed at the idle timeout, without an answer (the header timeout starts at a head's first byte)",
      answers: [], closed: true, timeoutMs: 25_000, elapsedMs: { atLeast: 8_000 },
      why: "Bun closes a connection that sends nothing at its fixed head timeout (about 10 s), whatever its idle timeout",
    },
    {
      case: "an idle keep-alive connection is closed without a response", answers: [{ status: 200, body: "hello idle" }], closed: true,
      timeoutMs: 12_000, elapsedMs: { atLeast: 900 },
      why: "Bun's idle timeout is whole seconds and fires in steps of 4 s (500 ms: closed after about 4 s)",
    },
  ],
};

/**
 * llhttp's corpus over a socket (conformance-corpus.ts): where a runtime's
 * outcome is not hotpath-server's. `native` and `runtime` are outcomes as
 * corpusOutcome() writes them; the suite checks both against live servers.
 */
export interface CorpusDifference {
  id: string;
  native: string;
  runtime: string;
  why: string;
}

const BUN_EMPTY_LINES = "Bun refuses an empty line before a request line (also between pipelined requests)";
const BUN_GET_BODY = "Bun gives a GET no body: its answer goes out before Bun reads the (malformed) body and refuses it";
const BUN_UNFINISHED_HEAD = "Bun sees nothing before the head is whole (this one never ends); hotpath-server refuses the field once its line is in";

export const CORPUS_DIFFERENCES: Readonly<Record<Runtime, readonly CorpusDifference[]>> = {
  node: [
    { id: "content-length/tabs-in-content-length-surrounding", native: "no answer; kept open", runtime: "400; closed", why: "llhttp refuses an HTAB around the Content-Length value" },
    { id: "content-length/missing-crlf-crlf-before-body", native: "no answer; kept open", runtime: "400; closed", why: "llhttp refuses a bare CR at once; hotpath-server waits for the byte after it (then 400)" },
    { id: "invalid/invalid-method", native: "200; kept open", runtime: "400; closed", why: "llhttp knows a fixed list of methods; hotpath-server routes any token (here to an ANY route)" },
    { id: "invalid/invalid-http-version", native: "no answer; kept open", runtime: "505; closed", why: "llhttp refuses HTTP/5.6 before the line ends; hotpath-server waits for its end (then 505)" },
    { id: "invalid/invalid-space-after-start-line", native: "no answer; kept open", runtime: "400; closed", why: "llhttp refuses the whitespace line at once; hotpath-server waits for its end (then 400)" },
    { id: "sample/no-http-version", native: "400; closed", runtime: "505; closed", why: "llhttp reads a request line without a version as HTTP/0.9: a version not served" },
  ],
  bun: [
    { id: "connection/crlf-between-requests-implicit-keep-alive", native: "200; kept open", runtime: "200, 400; closed", why: BUN_EMPTY_LINES },
    { id: "content-length/error-on-content-length-overflow", native: "400; closed", runtime: "no answer; kept open", why: BUN_UNFINISHED_HEAD },
    { id: "content-length/error-on-duplicate-content-length", native: "400; closed", runtime: "no answer; kept open", why: BUN_UNFINISHED_HEAD },
    { id: "content-length/missing-crlf-crlf-before-body", native: "no answer; kept open", runtime: "400; closed", why: "Bun refuses a bare CR at once; hotpath-server waits for the byte after it (then 400)" },
    { id: "invalid/ice-protocol-but-not-really", native: "400; closed", runtime: "505; closed", why: BUN_505 },
    { id: "invalid/invalid-method", native: "200; kept open", runtime: "no answer; closed", why: "Bun closes the connection without an answer on a method it does not know; hotpath-server routes any token" },
    { id: "invalid/invalid-http-version", native: "no answer; kept open", runtime: "505; closed", why: "Bun refuses HTTP/5.6 before the line ends; hotpath-server waits for its end (then 505)" },
    { id: "invalid/invalid-space-after-start-line", native: "no answer; kept open", runtime: "400; closed", why: "Bun refuses the whitespace line at once; hotpath-server waits for its end (then 400)" },
    { id: "invalid/only-lfs-present", native: "400; closed", runtime: "505; closed", why: BUN_505 },
    { id: "pipelining/should-parse-multiple-events", native: "200, 200; kept open", runtime: "200, 400; closed", why: BUN_EMPTY_LINES },
    { id: "sample/prefix-newline", native: "200; kept open", runtime: "400; closed", why: BUN_EMPTY_LINES },
    { id: "sample/no-http-version", native: "400; closed", runtime: "505; closed", why: BUN_505 },
    { id: "sample/no-lf-after-cr", native: "400; closed", runtime: "505; closed", why: BUN_505 },
    { id: "sample/request-starting-with-crlf", native: "200; kept open", runtime: "400; closed", why: BUN_EMPTY_LINES },
    { id: "transfer-encoding/trailing-headers", native: "200; kept open", runtime: "200, 400; closed", why: BUN_TRAILERS },
    { id: "transfer-encoding/chunk-extensions", native: "no answer; kept open", runtime: "200; kept open", why: "Bun ends a chunked body at its last chunk; hotpath-server waits for the end of the trailer section" },
    { id: "transfer-encoding/no-extension-after-semicolon", native: "400; closed", runtime: "200; kept open", why: BUN_CHUNK_EXTENSIONS },
    { id: "transfer-encoding/chunk-extensions-quoting", native: "no answer; kept open", runtime: "400; closed", why: "Bun refuses a quoted chunk-extension value with escapes in it" },
    { id: "transfer-encoding/post-with-chunked-as-last-transfer-encoding", native: "501; closed", runtime: "400; closed", why: "Bun refuses a coding other than chunked" },
    { id: "transfer-encoding/post-with-chunked-as-last-transfer-encoding-multiple-headers", native: "501; closed", runtime: "400; closed", why: "Bun refuses a coding other than chunked" },
    { id: "transfer-encoding/chunk-header-not-terminated-by-crlf", native: "400; closed", runtime: "200, 400; closed", why: BUN_GET_BODY },
    { id: "transfer-encoding/chunk-data-not-terminated-by-crlf", native: "400; closed", runtime: "200, 400; closed", why: BUN_GET_BODY },
    { id: "uri/host-terminated-by-a-query-string", native: "200; kept open", runtime: "200, 400; closed", why: BUN_EMPTY_LINES },
    { id: "uri/space-in-uri", native: "400; closed", runtime: "505; closed", why: BUN_505 },
  ],
};

const byName = new Map(HTTP1_CASES.map((c) => [c.name, c]));

/** The case as `runtime` answers it: the difference applied, or the case itself. */
export function asAnswered(c: Http1Case, runtime: Runtime): Http1Case {
  const d = DIFFERENCES[runtime].find((x) => x.case === c.name);
  if (d === undefined) return c;
  const { case: _name, why: _why, ...changes } = d;
  // What the case checks beyond its answers is about its own answers.
  const { elapsedMs: _elapsed, received: _received, heads: _heads, ...rest } = c;
  return { ...rest, ...changes };
}

/** A difference naming no case, or a case twice. */
export function unknownDifferences(): string[] {
  const problems: string[] = [];
  for (const runtime of ["node", "bun"] as const) {
    const seen = new Set<string>();
    for (const d of DIFFERENCES[runtime]) {
      if (!byName.has(d.case)) problems.push(`${runtime}: no case named ${JSON.stringify(d.case)}`);
      if (seen.has(d.case)) problems.push(`${runtime}: ${JSON.stringify(d.case)} twice`);
      seen.add(d.case);
    }
  }
  return problems;
}

function outcome(answers: readonly AnswerSpec[], isClosed: boolean, hiddenAnswered = false): string {
  const statuses = answers.length === 0 ? "no answer" : answers.map((a) => a.status).join(", ");
  return `${statuses}${hiddenAnswered ? " (the request behind it answered)" : ""}; ${isClosed ? "closed" : "kept open"}`;
}

/** SECURITY.md's rows for the corpus: | runtime | llhttp case | hotpath-server | the runtime | why |. */
export function corpusDifferenceRows(): string[] {
  const rows: string[] = [];
  for (const runtime of ["node", "bun"] as const) {
    for (const d of CORPUS_DIFFERENCES[runtime]) {
      rows.push(`| ${runtime === "node" ? "Node" : "Bun"} | \`${d.id}\` | ${d.native} | ${d.runtime} | ${d.why} |`);
    }
  }
  return rows;
}

/** SECURITY.md's rows, one per difference: | runtime | case | hotpath-server | the runtime | why |. */
export function differenceRows(): string[] {
  const rows: string[] = [];
  for (const runtime of ["node", "bun"] as const) {
    for (const d of DIFFERENCES[runtime]) {
      const c = byName.get(d.case);
      const native = c === undefined ? "?" : outcome(c.answers, c.closed);
      const cell = (text: string) => text.replace(/\|/g, "\\|");
      rows.push(`| ${runtime === "node" ? "Node" : "Bun"} | ${cell(d.case)} | ${native} | ${outcome(d.answers, d.closed, d.hiddenAnswered)} | ${cell(d.why)} |`);
    }
  }
  return rows;
}
