// HTTP/1.1 over a socket, as data: what a client sends (exact bytes), what
// the server must answer (RFC 9112, RFC 9110, native/README.md), whether it
// then closes the connection, and that the request hidden behind ambiguous
// framing (SMUGGLED) is never answered. Like tests/conformance, but for a
// whole server: run by one loop (http1-case-runner.ts) against any server
// that serves CASE_TABLE under the named configuration (CASE_CONFIGS).
//
// Server-neutral: what one server alone is held to sits in named fields
// (`servers`: the case applies to these servers only; an answer's `only`:
// extra expectations for one server).
//
// How the spec is read where it leaves room (see also the comments at each case):
// - Transfer-Encoding: native/README.md says "a final coding other than chunked
//   is 400; a coding other than chunked is 501". Both sentences must have a
//   domain, and RFC 9112 6.3 (rule 4) says a request whose final coding is not
//   chunked MUST get 400 and a close. So: final coding not "chunked" → 400
//   ("gzip", "xchunked", "chunked, gzip"); final coding chunked preceded by a
//   coding the server does not implement → 501 ("gzip, chunked").
// - HTTP/1.2: RFC 9112 2.3 lets a server treat any 1.x as 1.1, but the spec
//   serves only 1.0 and 1.1 and answers 505 to "another version HTTP/x.y".
// - "Every 4xx/5xx caused by the request's framing or syntax closes the
//   connection (Connection: close)": taken to cover 400, 408, 413, 414, 431,
//   501, 505 (the body can no longer be framed, or the head was never read);
//   routing answers (404, 405) keep the connection open.
// - Two Content-Length field lines with the same value are one list of
//   identical values (RFC 9110 5.3: repeated field lines combine into a list),
//   which the spec accepts.
// - Bare LF as a line terminator is rejected (400); llhttp (Node's parser)
//   accepts it in lenient mode, this server is strict per its spec.

/** The route table every case is answered from. */
export const CASE_TABLE = [
  "GET\t/\t200\ttext/plain; charset=utf-8\tok",
  "GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}",
  "GET\t/json\t200\tapplication/json; charset=utf-8\t{\"ok\":true}",
  "POST\t/submit\t201\ttext/plain\tcreated",
  "PUT\t/submit\t200\ttext/plain\treplaced",
  "GET\t/empty\t204\t",
  "",
].join("\n");

/**
 * The server configurations the cases need, as hotpath-server's flags named
 * in camelCase (--max-header-bytes is maxHeaderBytes): each server maps them
 * to its own options.
 */
export const CASE_CONFIGS = {
  default: {},
  smallLimits: { maxHeaderBytes: 4096, maxBodyBytes: 1000 },
  shortTimeouts: { headerTimeoutMs: 500, idleTimeoutMs: 500 },
} as const;
export type CaseConfig = keyof typeof CASE_CONFIGS;

/** The servers a case can name. */
export type CaseServer = "native" | "node" | "bun";

export interface AnswerSpec {
  status: number;
  /** The body, exactly (as UTF-8). */
  body?: string;
  /** Field values: a string (exactly), a RegExp (matches), null (absent). Names case-insensitive. */
  headers?: Record<string, string | RegExp | null>;
  /** Values that must not match (an absent field counts as ""). */
  headersNot?: Record<string, RegExp>;
  /** How many field lines carry each name. */
  headerCounts?: Record<string, number>;
  /** Allow lists at least these methods. */
  allowIncludes?: string[];
  /** Date is an IMF-fixdate (RFC 9110 5.6.7) within 5 s of now. */
  currentDate?: boolean;
  /** More expectations for one server. */
  only?: Partial<Record<CaseServer, Omit<AnswerSpec, "only" | "status">>>;
}

export interface Http1Case {
  /** The test's name: the rule and, where one applies, the RFC section. */
  name: string;
  /** The describe block it belongs to. */
  group: string;
  /** Default "default". */
  config?: CaseConfig;
  /** The servers it applies to (default: all). */
  servers?: CaseServer[];
  /** One write, or one write per element `delayMs` apart. Each char is one byte (latin1). */
  request: string | string[];
  delayMs?: number;
  /** Half-close (FIN) after the last write. */
  halfClose?: boolean;
  /** Which final answers (in order) are to HEAD requests. */
  heads?: boolean[];
  /** Every answer, in order (and no other status line). */
  answers: AnswerSpec[];
  /**
   * The server closes the connection after the last answer (then the
   * runner waits for the close); false: it stays open (the runner waits for
   * the answers, then `settleMs`, default 300, to see it does not close).
   */
  closed: boolean;
  settleMs?: number;
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** The bytes received match each pattern. */
  received?: RegExp[];
  /**
   * The request hidden behind it (SMUGGLED) is answered: this server frames
   * the message otherwise. Only in a runtime's documented difference
   * (http1-differences.ts); a case itself never allows it.
   */
  hiddenAnswered?: boolean;
  /** From the first write to the end of the exchange, in ms. */
  elapsedMs?: { atLeast?: number; below?: number };
  /** A check of the case itself: the request is longer than this. */
  requestLongerThan?: number;
}

// ---- building blocks ---------------------------------------------------------

export const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
/** The request hidden behind ambiguous framing: it must never be answered. */
export const SMUGGLED = "GET /hello/smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
/** The marker that shows SMUGGLED was answered. */
export const SMUGGLED_MARKER = "smuggled";
export const post = (headers: string, body = "", version = "1.1") =>
  `POST /submit HTTP/${version}\r\n${version === "1.1" ? "Host: t\r\n" : ""}${headers}\r\n${body}`;
const chunkOf = (data: string) => `${data.length.toString(16)}\r\n${data}\r\n`;
/** A chunked POST to `path` as separate writes: the head, one chunk of `n` x's per size, the last chunk. */
export const chunkedPost = (path: string, sizes: readonly number[]): string[] => [
  `POST ${path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n`,
  ...sizes.map((n) => chunkOf("x".repeat(n))),
  "0\r\n\r\n",
];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The option "close" in a Connection value (a case-insensitive list). */
export const CLOSE = /(^|,)\s*close\s*(,|$)/i;

/** One answer with this status and Connection: close, then the connection closed. */
const rejected = (group: string, name: string, request: string, status: number, more: Partial<Http1Case> = {}): Http1Case => ({
  name, group, request, answers: [{ status, headers: { connection: CLOSE } }], closed: true, ...more,
});
/** These answers, and the connection stays open. */
const served = (group: string, name: string, request: string | string[], answers: AnswerSpec[], more: Partial<Http1Case> = {}): Http1Case => ({
  name, group, request, answers, closed: false, ...more,
});
const hello = (name: string): AnswerSpec => ({ status: 200, body: `hello ${name}` });
const CREATED: AnswerSpec = { status: 201, body: "created" };

// ---- the cases ---------------------------------------------------------------

const KEEP_ALIVE = "answers and keep-alive";
const BODIES = "methods, targets and bodies";
const SMUGGLING = "smuggling: ambiguous body framing is rejected and what follows is never answered";
const SYNTAX = "request line and header syntax";
const FURTHER = "smuggling and malformed input: further cases (RFC 9112, RFC 9110)";
const LIMITS = "limits: --max-header-bytes 4096 --max-body-bytes 1000";
const TIMEOUTS = "timeouts: --header-timeout-ms 500 --idle-timeout-ms 500";

const keepAlive: Http1Case[] = [
  served(KEEP_ALIVE, "GET: status line, Server, Date, Content-Type, Content-Length, body; connection kept", GET("/"), [{
    status: 200, body: "ok",
    headers: { "content-type": "text/plain; charset=utf-8", "content-length": "2", connection: null },
    headerCounts: { date: 1 }, currentDate: true,
    only: { native: { headers: { server: "hotpath" } } },
  }], { received: [/^HTTP\/1\.1 200 OK\r\n/] }),
  served(KEEP_ALIVE, "100 requests pipelined in one write are answered in order", range(100).map((i) => GET(`/hello/${i}`)).join(""),
    range(100).map((i) => hello(String(i))), { timeoutMs: 10_000 }),
  {
    name: "a pipelined burst of over 64 KB (700 requests), then half-close: all answered in order, then closed", group: KEEP_ALIVE,
    request: range(700).map((i) => GET(`/hello/b${i}`, `X-Pad: ${"p".repeat(100)}\r\n`)).join(""), requestLongerThan: 65_536,
    halfClose: true, timeoutMs: 20_000, answers: range(700).map((i) => hello(`b${i}`)), closed: true,
  },
  {
    name: "half-close after 3 pipelined requests: 3 answers, then the server closes", group: KEEP_ALIVE,
    request: GET("/hello/1") + GET("/hello/2") + GET("/hello/3"), halfClose: true, answers: [hello("1"), hello("2"), hello("3")], closed: true,
  },
  served(KEEP_ALIVE, "a request sent one byte per write is answered", GET("/hello/slow").split(""), [hello("slow")], { delayMs: 2 }),
  served(KEEP_ALIVE, "empty lines before a request line are ignored (RFC 9112 2.2)", `\r\n\r\n${GET("/hello/after-empty")}`, [hello("after-empty")]),
  {
    name: "HTTP/1.0 without keep-alive (and without Host): answered, then closed", group: KEEP_ALIVE,
    request: "GET /hello/ten HTTP/1.0\r\n\r\n" + SMUGGLED, answers: [{ ...hello("ten"), headersNot: { connection: /keep-alive/i } }], closed: true,
  },
  served(KEEP_ALIVE, "HTTP/1.0 with Connection: keep-alive: answered with Connection: keep-alive and kept open",
    ["GET /hello/k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET /hello/k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"],
    [{ ...hello("k1"), headers: { connection: /^keep-alive$/i } }, { ...hello("k2"), headers: { connection: /^keep-alive$/i } }], { delayMs: 200 }),
  {
    name: "HTTP/1.1 Connection: close: answered with Connection: close, closed, the pipelined request after it not answered", group: KEEP_ALIVE,
    request: GET("/hello/last", "Connection: close\r\n") + SMUGGLED, answers: [{ ...hello("last"), headers: { connection: CLOSE } }], closed: true,
  },
  {
    name: "Connection options are a case-insensitive list: 'keep-alive, CLOSE' closes", group: KEEP_ALIVE,
    request: GET("/hello/list", "Connection: keep-alive, CLOSE\r\n") + SMUGGLED, answers: [hello("list")], closed: true,
  },
  served(KEEP_ALIVE, "Connection: close then a 0xA0 byte is no close option (OWS is spaces and tabs): answered, kept open",
    GET("/hello/nbsp", "Connection: close\xa0\r\n") + GET("/hello/after"), [hello("nbsp"), hello("after")]),
  served(KEEP_ALIVE, "a request answered in a later write keeps working on the same connection", [GET("/hello/a"), GET("/hello/b"), GET("/hello/c")],
    [hello("a"), hello("b"), hello("c")], { delayMs: 150 }),
];

const bodies: Http1Case[] = [
  served(BODIES, "HEAD: the GET's Content-Length and no body; a pipelined GET after it parses right", `HEAD /hello/abc HTTP/1.1\r\nHost: t\r\n\r\n${GET("/hello/xyz")}`,
    [{ status: 200, body: "", headers: { "content-length": "9", "content-type": "text/plain; charset=utf-8" } }, hello("xyz")],
    // The head of the HEAD answer is followed directly by the next status line.
    { heads: [true, false], received: [/\r\n\r\nHTTP\/1\.1 200 /] }),
  served(BODIES, "HEAD of a 404: Content-Length 9, no body, the next pipelined answer intact", `HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\n${GET("/json")}`,
    [{ status: 404, body: "", headers: { "content-length": "9" } }, { status: 200, body: "{\"ok\":true}" }], { heads: [true, false] }),
  served(BODIES, "404 keeps the connection open", GET("/nope") + GET("/hello/next"), [{ status: 404, body: "Not Found" }, hello("next")]),
  served(BODIES, "405 carries Allow, keeps the connection, and its body is read, not parsed as a request",
    `POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET("/hello/after405")}`,
    [{ status: 405, body: "Method Not Allowed", headers: { allow: "GET, HEAD" } }, { ...hello("after405"), headers: { allow: null } }]),
  served(BODIES, "204: no Content-Length, no Content-Type for an empty one, no body; the next answer parses", GET("/empty") + GET("/hello/after204"),
    [{ status: 204, body: "", headers: { "content-length": null, "content-type": null } }, hello("after204")]),
  served(BODIES, "OPTIONS * answers 204 with an Allow of the methods, no body, connection kept", `OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n${GET("/hello/afteroptions")}`,
    [{ status: 204, body: "", allowIncludes: ["GET", "HEAD", "POST", "PUT"], headers: { "content-length": null } }, hello("afteroptions")]),
  served(BODIES, "absolute-form target http://x/hello/abc is routed by its path (RFC 9112 3.2.2)", "GET http://x/hello/abc HTTP/1.1\r\nHost: t\r\n\r\n", [hello("abc")]),
  served(BODIES, "POST with a Content-Length body that looks like a request: body discarded, next request answered",
    post(`Content-Length: ${SMUGGLED.length}\r\n`, SMUGGLED) + GET("/hello/real"), [CREATED, hello("real")]),
  served(BODIES, "POST whose body arrives in a later write", [post("Content-Length: 5\r\n"), "hel", "lo", GET("/hello/after")], [CREATED, hello("after")], { delayMs: 150 }),
  served(BODIES, "Content-Length: 0 POST", post("Content-Length: 0\r\n") + GET("/hello/z"), [CREATED, hello("z")]),
  served(BODIES, "chunked body with extensions (quoted too) and trailers, then a pipelined request: both answered",
    post("Transfer-Encoding: chunked\r\n", "5;name=value;q=\"a;b\\\"c\"\r\nhello\r\n6;x\r\n world\r\n0;last=1\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n") + GET("/hello/second"),
    [CREATED, hello("second")]),
  served(BODIES, "chunked body split inside sizes, data and CRLFs over many writes",
    [post("Transfer-Encoding: chunked\r\n"), ..."a\r\n0123456789\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n".match(/.{1,3}/gs)!, GET("/hello/split")],
    [CREATED, hello("split")], { delayMs: 5 }),
  served(BODIES, "chunk data that looks like a request is not parsed as one",
    post("Transfer-Encoding: chunked\r\n", `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`) + GET("/hello/real"), [CREATED, hello("real")]),
  served(BODIES, "transfer-coding names are case-insensitive (RFC 9112 7): Transfer-Encoding: Chunked is decoded",
    post("Transfer-Encoding: Chunked\r\n", "3\r\nabc\r\n0\r\n\r\n") + GET("/hello/ci"), [CREATED, hello("ci")]),
  served(BODIES, "BWS before ';' in a chunk extension is accepted (RFC 9112 7.1.1 grammar)",
    post("Transfer-Encoding: chunked\r\n", "3 ;ext\r\nabc\r\n0\r\n\r\n") + GET("/hello/bws"), [CREATED, hello("bws")]),
  served(BODIES, "Content-Length: 5, 5 (a list of identical values) is accepted", post("Content-Length: 5, 5\r\n", "hello") + GET("/hello/list"), [CREATED, hello("list")]),
  served(BODIES, "two Content-Length lines with the same value are one list of identical values: accepted",
    post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello") + GET("/hello/twice"), [CREATED, hello("twice")]),
  {
    name: "Expect: 100-continue in an HTTP/1.0 request is ignored (RFC 9110 10.1.1): no 100", group: BODIES,
    request: post("Content-Length: 5\r\nExpect: 100-continue\r\n", "hello", "1.0"), answers: [CREATED], closed: true,
  },
  served(BODIES, "HTAB inside a header value, OWS around it, and no space after the colon are valid", "GET /hello/ows HTTP/1.1\r\nHost:t\r\nX-A: \ta\tb \t\r\n\r\n", [hello("ows")]),
  served(BODIES, "a 10 KB header line fits the default 16 KB head limit", GET("/hello/long", `X-Long: ${"a".repeat(10_000)}\r\n`), [hello("long")]),
  {
    name: "a valid request, then garbage: the first is answered, the garbage gets 400 and a close", group: BODIES,
    request: GET("/hello/first") + "garbage\r\n\r\n" + SMUGGLED, answers: [hello("first"), { status: 400, headers: { connection: CLOSE } }], closed: true,
  },
];

const smuggling: Http1Case[] = [
  rejected(SMUGGLING, "CL.TE: Content-Length before Transfer-Encoding: chunked → 400", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + SMUGGLED), 400),
  rejected(SMUGGLING, "TE.CL: Transfer-Encoding: chunked before Content-Length → 400",
    post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`), 400),
  rejected(SMUGGLING, "Transfer-Encoding: chunked with Content-Length: 0 → 400", post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "two different Content-Length lines → 400", post("Content-Length: 5\r\nContent-Length: 6\r\n", `hello!${SMUGGLED}`), 400),
  rejected(SMUGGLING, "Content-Length list with different values '5, 6' → 400", post("Content-Length: 5, 6\r\n", `hello!${SMUGGLED}`), 400),
  ...([
    ["a sign '+5'", "+5"], ["a minus '-5'", "-5"], ["hex '0x5'", "0x5"], ["a space inside '1 0'", "1 0"],
    ["overflow 99999999999999999999", "99999999999999999999"], ["2^64 exactly 18446744073709551616", "18446744073709551616"],
    ["an empty value", ""], ["a decimal point '5.0'", "5.0"], ["a list with a bad element '5, x'", "5, x"],
  ] as const).map(([name, value]) => rejected(SMUGGLING, `Content-Length with ${name} → 400`, post(`Content-Length: ${value}\r\n`, `hello${SMUGGLED}`), 400)),
  rejected(SMUGGLING, "Transfer-Encoding: chunked, gzip (final coding not chunked) → 400", post("Transfer-Encoding: chunked, gzip\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  // The spec's "final coding other than chunked is 400" and RFC 9112 6.3's
  // MUST (400 and close) win over "a coding other than chunked is 501".
  rejected(SMUGGLING, "Transfer-Encoding: gzip alone (final coding not chunked) → 400", post("Transfer-Encoding: gzip\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  // Read as above: the final coding is "xchunked", not chunked, so 400; a
  // server answering 501 would still have to close (checked too).
  rejected(SMUGGLING, "Transfer-Encoding: xchunked (unknown, and final coding not chunked) → 400", post("Transfer-Encoding: xchunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "Transfer-Encoding: gzip, chunked (a coding other than chunked before chunked) → 501", post("Transfer-Encoding: gzip, chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 501),
  rejected(SMUGGLING, "Transfer-Encoding: chunked then a 0xA0 byte (OWS is spaces and tabs: the coding is not chunked) → 400",
    post("Transfer-Encoding: chunked\xa0\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "Transfer-Encoding: chunked, chunked → 400", post("Transfer-Encoding: chunked, chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "Transfer-Encoding: chunked on two header lines → 400", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "Transfer-Encoding in an HTTP/1.0 request → 400", post("Transfer-Encoding: chunked\r\n", `0\r\n\r\n${SMUGGLED}`, "1.0"), 400),
  rejected(SMUGGLING, "chunk size 'zz' → 400", post("Transfer-Encoding: chunked\r\n", `zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "chunk size overflow 'ffffffffffffffffff' → 400", post("Transfer-Encoding: chunked\r\n", `ffffffffffffffffff\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "chunk size with a 0x prefix → 400", post("Transfer-Encoding: chunked\r\n", `0x5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "chunk size with a leading space → 400", post("Transfer-Encoding: chunked\r\n", ` 5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "missing CRLF after chunk data → 400", post("Transfer-Encoding: chunked\r\n", `5\r\nhelloXX\r\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "bare LF after chunk data → 400", post("Transfer-Encoding: chunked\r\n", `5\r\nhello\n0\r\n\r\n${SMUGGLED}`), 400),
  rejected(SMUGGLING, "bare LF after a chunk size → 400", post("Transfer-Encoding: chunked\r\n", `5\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
];

/** `${name} → ${status}`, the request followed by SMUGGLED. */
const syntaxRejected = (name: string, request: string, status: number, more: Partial<Http1Case> = {}) =>
  rejected(SYNTAX, `${name} → ${status}`, request + SMUGGLED, status, more);
const syntax: Http1Case[] = [
  syntaxRejected("missing Host in HTTP/1.1", "GET /hello/a HTTP/1.1\r\n\r\n", 400),
  syntaxRejected("two Host headers", "GET /hello/a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
  syntaxRejected("HTTP/2.0", "GET /hello/a HTTP/2.0\r\nHost: t\r\n\r\n", 505),
  syntaxRejected("HTTP/1.2 (spec: only 1.0 and 1.1 are served)", "GET /hello/a HTTP/1.2\r\nHost: t\r\n\r\n", 505),
  syntaxRejected("HTTP/0.9 written as HTTP/x.y", "GET /hello/a HTTP/0.9\r\nHost: t\r\n\r\n", 505),
  syntaxRejected("lowercase http/1.1 (HTTP-name is case-sensitive)", "GET /hello/a http/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("HTTP/1.10 (one digit each side)", "GET /hello/a HTTP/1.10\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a garbage request line", "HELLO THERE\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("binary garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
  syntaxRejected("two spaces in the request line", "GET  /hello/a HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a request line without a version", "GET /hello/a\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a method with a non-token byte", "GE(T /hello/a HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a control byte in the target", "GET /hello/a\x01b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("DEL in the target", "GET /hello/a\x7fb HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a non-ASCII byte in the target", "GET /hello/caf\xe9 HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a '#' fragment in the target (RFC 9112 3.2.1)", "GET /hello/a#frag HTTP/1.1\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("obs-fold", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n  b\r\n\r\n", 400),
  syntaxRejected("a bare CR in a header value", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400),
  syntaxRejected("bare LF line endings (llhttp's lenient mode accepts these; this server is strict)", "GET /hello/a HTTP/1.1\nHost: t\n\n", 400),
  syntaxRejected("a bare LF ending one header line", "GET /hello/a HTTP/1.1\r\nHost: t\nX-A: b\r\n\r\n", 400),
  syntaxRejected("a bare LF ending the request line", "GET /hello/a HTTP/1.1\nHost: t\r\n\r\n", 400),
  syntaxRejected("NUL in a header value", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n", 400),
  syntaxRejected("a control byte (0x01) in a header value", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A: a\x01b\r\n\r\n", 400),
  syntaxRejected("a space before the colon", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A : b\r\n\r\n", 400),
  syntaxRejected("a tab before the colon", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A\t: b\r\n\r\n", 400),
  syntaxRejected("a non-token byte in a header name", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX(A): b\r\n\r\n", 400),
  syntaxRejected("an empty header name", "GET /hello/a HTTP/1.1\r\nHost: t\r\n: b\r\n\r\n", 400),
  syntaxRejected("a header line without a colon", "GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A b\r\n\r\n", 400),
  syntaxRejected("a whitespace line before the first header (RFC 9112 2.2)", "GET /hello/a HTTP/1.1\r\n Host: t\r\nHost: t\r\n\r\n", 400),
  syntaxRejected("a request line over 8 KB", `GET /hello/${"a".repeat(10_000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414),
  syntaxRejected("a header section over the default 16384 bytes", GET("/hello/a", `X-A: ${"a".repeat(10_000)}\r\nX-B: ${"b".repeat(10_000)}\r\n`), 431),
];

// Cases added for the hardening issue: every expected answer is read from
// RFC 9112 / RFC 9110 (section in the name). "→ N" cases are rejected with
// N, Connection: close and a close, and the request hidden behind them is
// never answered; the others check that the framing the RFC gives is the
// framing used (what follows the body is answered, what is inside is not).
const furtherRejected = (name: string, request: string, status: number, more: Partial<Http1Case> = {}) =>
  rejected(FURTHER, `${name} → ${status}`, request, status, more);
const furtherServed = (name: string, request: string, answers: AnswerSpec[]) => served(FURTHER, name, request, answers);
const BEHIND = GET("/hello/behind");
const createdThenBehind = [CREATED, hello("behind")];
const further: Http1Case[] = [
  // ---- Transfer-Encoding: what is valid is framed as chunked ----
  furtherServed("TE 'chunked ' (trailing SP is OWS, RFC 9110 5.5, RFC 9112 5.1): chunked; the request inside the chunk is data, the one after the last chunk is answered",
    post("Transfer-Encoding: chunked \r\n", `${chunkOf(SMUGGLED)}0\r\n\r\n`) + BEHIND, createdThenBehind),
  furtherServed("TE 'chunked<HTAB>' (trailing HTAB is OWS, RFC 9110 5.5): chunked; the request after the last chunk is a separate request and answered",
    post("Transfer-Encoding: chunked\t\r\n", "0\r\n\r\n") + BEHIND, createdThenBehind),
  furtherServed("TE '  <HTAB>chunked' (leading OWS, RFC 9112 5.1): chunked", post("Transfer-Encoding:  \tchunked\r\n", `${chunkOf(SMUGGLED)}0\r\n\r\n`) + BEHIND, createdThenBehind),
  furtherServed("TE 'CHUNKED' (coding names are case-insensitive, RFC 9112 7): chunked", post("Transfer-Encoding: CHUNKED\r\n", `${chunkOf(SMUGGLED)}0\r\n\r\n`) + BEHIND, createdThenBehind),
  furtherServed("TE ', chunked' (empty list elements are ignored, RFC 9110 5.6.1): chunked", post("Transfer-Encoding: , chunked\r\n", `${chunkOf(SMUGGLED)}0\r\n\r\n`) + BEHIND, createdThenBehind),
  {
    name: "'Transfer_Encoding: chunked' is another field (RFC 9110 5.1): no body (RFC 9112 6.3 rule 7), so '0' is the next request line → 201 then 400 and close",
    group: FURTHER, request: post("Transfer_Encoding: chunked\r\n", `0\r\n\r\n${SMUGGLED}`), answers: [CREATED, { status: 400 }], closed: true,
  },

  // ---- Transfer-Encoding: what is not valid is rejected ----
  furtherRejected("TE 'chunked<VT>' (a CTL is not a field-vchar, RFC 9110 5.5)", post("Transfer-Encoding: chunked\x0b\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE 'chunked<NUL>' (NUL in a field value, RFC 9110 5.5)", post("Transfer-Encoding: chunked\x00\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE '<FF>chunked' (a CTL before the coding, RFC 9110 5.5)", post("Transfer-Encoding: \x0cchunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE 'chunked<CR>' (a bare CR in a field value, RFC 9112 2.2)", post("Transfer-Encoding: chunked\r\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("'Transfer-Encoding : chunked' (whitespace before the colon, RFC 9112 5.1 MUST 400)", post("Transfer-Encoding : chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("'Transfer-Encoding<HTAB>: chunked' (whitespace before the colon, RFC 9112 5.1)", post("Transfer-Encoding\t: chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("CL.TE with 'Transfer-Encoding : chunked' (a front end ignoring the malformed line would use the CL, RFC 9112 5.1)",
    post("Content-Length: 5\r\nTransfer-Encoding : chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE folded onto a continuation line (obs-fold, RFC 9112 5.2)", post("Transfer-Encoding:\r\n chunked\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE with an empty value (no final chunked, RFC 9112 6.3 rule 4)", post("Transfer-Encoding:\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE 'identity' (final coding not chunked, RFC 9112 6.3 rule 4)", post("Transfer-Encoding: identity\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE '\"chunked\"' (a coding is a token, RFC 9112 7)", post("Transfer-Encoding: \"chunked\"\r\n", `0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("TE 'chunked' then a second TE line 'x' (combined list ends in x, RFC 9110 5.3, RFC 9112 6.3 rule 4)",
    post("Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", `0\r\n\r\n${SMUGGLED}`), 400),

  // ---- Content-Length ----
  furtherServed("'Content-Length:  5 ' (OWS around the value, RFC 9112 5.1): frames 5 bytes", post("Content-Length:  5 \r\n", "hello") + BEHIND, createdThenBehind),
  furtherServed("'Content-Length:<HTAB>5<HTAB>' (HTAB is OWS, RFC 9110 5.6.3): frames 5 bytes", post("Content-Length:\t5\t\r\n", "hello") + BEHIND, createdThenBehind),
  furtherServed("'Content-Length: 005' (1*DIGIT, leading zeros, RFC 9110 8.6): frames 5 bytes", post("Content-Length: 005\r\n", "hello") + BEHIND, createdThenBehind),
  furtherRejected("'Content-Length : 5' (whitespace before the colon, RFC 9112 5.1 MUST 400)", post("Content-Length : 5\r\n", `hello${SMUGGLED}`), 400),
  furtherRejected("'Content-Length: 5<HTAB>0' (not 1*DIGIT, RFC 9110 8.6)", post("Content-Length: 5\t0\r\n", `hello${SMUGGLED}`), 400),
  furtherRejected("'Content-Length: 5<VT>' (a CTL in the value, RFC 9110 5.5)", post("Content-Length: 5\x0b\r\n", `hello${SMUGGLED}`), 400),
  furtherRejected("Content-Length 10^12, over --max-body-bytes (RFC 9110 15.5.14)", post("Content-Length: 1000000000000\r\n", SMUGGLED), 413),
  furtherServed("GET with a Content-Length body that holds a request: the body is read and discarded (RFC 9112 6.3 rule 6, RFC 9110 9.3.1)",
    `GET /hello/get HTTP/1.1\r\nHost: t\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${BEHIND}`, [hello("get"), hello("behind")]),
  furtherServed("GET with a chunked body that holds a request: the body is read and discarded (RFC 9112 6.3 rule 4, RFC 9110 9.3.1)",
    `GET /hello/get HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunkOf(SMUGGLED)}0\r\n\r\n${BEHIND}`, [hello("get"), hello("behind")]),

  // ---- chunk sizes, chunk data, extensions, trailers (RFC 9112 7.1) ----
  furtherRejected("a chunk shorter than declared, followed by a request: its bytes are chunk data, then no CRLF (RFC 9112 7.1)",
    post("Transfer-Encoding: chunked\r\n", `10\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("an empty chunk-size line (1*HEXDIG, RFC 9112 7.1)", post("Transfer-Encoding: chunked\r\n", `\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk size '-5' (RFC 9112 7.1)", post("Transfer-Encoding: chunked\r\n", `-5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk size '5x' (RFC 9112 7.1)", post("Transfer-Encoding: chunked\r\n", `5x\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk size 2^64 '10000000000000000' (overflow, RFC 9112 7.1)", post("Transfer-Encoding: chunked\r\n", `10000000000000000\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("whitespace between chunk size and CRLF without an extension (BWS only before ';', RFC 9112 7.1.1)",
    post("Transfer-Encoding: chunked\r\n", `5 \r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension ';' without a name (RFC 9112 7.1.1)", post("Transfer-Encoding: chunked\r\n", `5;\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension ';=v' (no name, RFC 9112 7.1.1)", post("Transfer-Encoding: chunked\r\n", `5;=v\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension ';a=' (no value, RFC 9112 7.1.1)", post("Transfer-Encoding: chunked\r\n", `5;a=\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension ';a=b c' (two tokens, RFC 9112 7.1.1)", post("Transfer-Encoding: chunked\r\n", `5;a=b c\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension with an unterminated quoted-string (RFC 9112 7.1.1, RFC 9110 5.6.4)",
    post("Transfer-Encoding: chunked\r\n", `5;a="x\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension with a NUL (RFC 9112 7.1.1)", post("Transfer-Encoding: chunked\r\n", `5;a\x00\r\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("chunk extension line ended by a bare LF (RFC 9112 2.2, 7.1)", post("Transfer-Encoding: chunked\r\n", `5;a=b\nhello\r\n0\r\n\r\n${SMUGGLED}`), 400),
  furtherServed("chunk extensions with BWS around ';' and '=' and a quoted value (RFC 9112 7.1.1): accepted",
    post("Transfer-Encoding: chunked\r\n", `5 ; a = b ; c = "d e"\r\nhello\r\n0\r\n\r\n`) + BEHIND, createdThenBehind),
  furtherRejected("the last chunk without the final CRLF, a request right after it: read as a trailer line, invalid (RFC 9112 7.1.2)",
    post("Transfer-Encoding: chunked\r\n", `5\r\nhello\r\n0\r\n${SMUGGLED}`), 400),
  furtherRejected("obs-fold in the trailer section (RFC 9112 7.1.2, 5.2)", post("Transfer-Encoding: chunked\r\n", `0\r\nX-T: a\r\n b\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("a trailer line without a colon (RFC 9112 7.1.2)", post("Transfer-Encoding: chunked\r\n", `0\r\nX-T\r\n\r\n${SMUGGLED}`), 400),
  furtherRejected("a NUL in a trailer field value (RFC 9110 5.5)", post("Transfer-Encoding: chunked\r\n", `0\r\nX-T: a\x00b\r\n\r\n${SMUGGLED}`), 400),

  // ---- request line, controls, Host ----
  furtherRejected("a NUL in the target (RFC 9112 3.2)", `GET /hello/a\x00b HTTP/1.1\r\nHost: t\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a bare CR in the target (RFC 9112 2.2, 3.2)", `GET /hello/a\rb HTTP/1.1\r\nHost: t\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a bare CR ending the request line (RFC 9112 2.2)", `GET /hello/a HTTP/1.1\rHost: t\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a NUL in a header name (RFC 9110 5.1)", `GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A\x00: b\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("an ESC in a header value (RFC 9110 5.5)", `GET /hello/a HTTP/1.1\r\nHost: t\r\nX-A: a\x1bb\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a space after the version (RFC 9112 3)", `GET /hello/a HTTP/1.1 \r\nHost: t\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("'HTTP/1' without a minor version (RFC 9112 2.3)", `GET /hello/a HTTP/1\r\nHost: t\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("two Host lines in an HTTP/1.0 request (RFC 9112 3.2: any request)", `GET /hello/a HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a Host value with a space (invalid field value, RFC 9112 3.2 MUST 400)", `GET /hello/a HTTP/1.1\r\nHost: a b\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a Host value with a path '/' (not uri-host [':' port], RFC 9112 3.2)", `GET /hello/a HTTP/1.1\r\nHost: a/b\r\n\r\n${SMUGGLED}`, 400),
  furtherRejected("a Host value with userinfo '@' (RFC 9112 3.2, RFC 3986 3.2.2)", `GET /hello/a HTTP/1.1\r\nHost: u@a\r\n\r\n${SMUGGLED}`, 400),
  furtherServed("an empty Host value is allowed (RFC 9112 3.2)", `GET /hello/emptyhost HTTP/1.1\r\nHost:\r\n\r\n`, [hello("emptyhost")]),
  furtherServed("Host with a port, an IPv6 literal and sub-delims is valid (RFC 9112 3.2, RFC 3986 3.2.2)",
    `GET /hello/h1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\nGET /hello/h2 HTTP/1.1\r\nHost: [::1]:80\r\n\r\nGET /hello/h3 HTTP/1.1\r\nHost: a-b.c_d~e!$&'()*+,;=%41\r\n\r\n`,
    [hello("h1"), hello("h2"), hello("h3")]),
  // 128 is hotpath-server's limit (native/limits.h, kMaxHeaderFields); the
  // JavaScript listeners hold the same one (adapters/server/strict-request.ts).
  furtherRejected("129 header fields (over the parser's 128) (RFC 6585 5)", GET("/hello/a", range(129).map((i) => `X-${i}: v\r\n`).join("")) + SMUGGLED, 431),
];

const limitCase = (c: Http1Case): Http1Case => ({ ...c, group: LIMITS, config: "smallLimits" });
const limits: Http1Case[] = [
  served(LIMITS, "a header section of about 3.5 KB is served", GET("/hello/fits", `X-A: ${"a".repeat(3_500)}\r\n`), [hello("fits")]),
  rejected(LIMITS, "a header section over 4096 bytes → 431 and close", GET("/hello/big", `X-A: ${"a".repeat(3_000)}\r\nX-B: ${"b".repeat(3_000)}\r\n`) + SMUGGLED, 431),
  {
    ...rejected(LIMITS, "a header section over 4096 bytes sent in pieces, never completed → 431 and close", "", 431),
    request: ["GET /hello/big HTTP/1.1\r\nHost: t\r\n", ...range(10).map(() => `X-A: ${"a".repeat(600)}\r\n`)], delayMs: 20,
  },
  served(LIMITS, "a body of exactly 1000 bytes is served", post("Content-Length: 1000\r\n", "x".repeat(1_000)) + GET("/hello/after"), [CREATED, hello("after")]),
  rejected(LIMITS, "Content-Length: 1001 → 413 and close; the body (a request) is never answered",
    post("Content-Length: 1001\r\n", (SMUGGLED + "x".repeat(1_001)).slice(0, 1_001)), 413),
  served(LIMITS, "a chunked body of exactly 1000 bytes is served",
    post("Transfer-Encoding: chunked\r\n", `1f4\r\n${"a".repeat(500)}\r\n1f4\r\n${"b".repeat(500)}\r\n0\r\n\r\n`) + GET("/hello/after"), [CREATED, hello("after")]),
  rejected(LIMITS, "a chunked body over 1000 bytes → 413 and close",
    post("Transfer-Encoding: chunked\r\n", `258\r\n${"a".repeat(600)}\r\n258\r\n${"b".repeat(600)}\r\n0\r\n\r\n`) + SMUGGLED, 413),
  rejected(LIMITS, "Expect: 100-continue with a Content-Length over the limit → 413 and close, no 100 Continue (RFC 9110 10.1.1, 15.5.14)",
    post("Content-Length: 5000\r\nExpect: 100-continue\r\n"), 413),
  rejected(LIMITS, "one chunk declared far over the limit (fffff), data sent → 413 and close (RFC 9110 15.5.14)",
    post("Transfer-Encoding: chunked\r\n", `fffff\r\n${"a".repeat(2_000)}${SMUGGLED}`), 413),
  rejected(LIMITS, "a GET whose Content-Length body (holding a request) is over the limit → 413 and close (RFC 9110 15.5.14)",
    `GET /hello/a HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n${(SMUGGLED + "x".repeat(1_001)).slice(0, 1_001)}`, 413),
].map(limitCase);

const timeoutCase = (c: Http1Case): Http1Case => ({ ...c, group: TIMEOUTS, config: "shortTimeouts" });
const timeouts: Http1Case[] = [
  // RFC 9110 15.5.9: a 408 SHOULD carry Connection: close (checked).
  rejected(TIMEOUTS, "half a request line, then silence: 408 and close after about 500 ms", "GET /hel", 408,
    { timeoutMs: 3_000, elapsedMs: { atLeast: 400, below: 2_500 } }),
  {
    ...rejected(TIMEOUTS, "a head trickled one byte per 100 ms still times out (slowloris): 408 and close", "", 408),
    request: GET("/hello/trickle", "X-Pad: aaaaaaaaaaaaaaaaaaaa\r\n").split(""), delayMs: 100, timeoutMs: 8_000, elapsedMs: { below: 2_500 },
  },
  {
    name: "an idle keep-alive connection is closed without a response", group: TIMEOUTS, request: GET("/hello/idle"),
    answers: [hello("idle")], closed: true, timeoutMs: 3_000, elapsedMs: { atLeast: 400 },
  },
  {
    name: "a connection that sends nothing is closed at the idle timeout, without an answer (the header timeout starts at a head's first byte)",
    group: TIMEOUTS, request: "", answers: [], closed: true, timeoutMs: 3_000, elapsedMs: { atLeast: 400 },
  },
  served(TIMEOUTS, "requests every 200 ms keep the connection past 500 ms (the idle timer restarts)", range(5).map((i) => GET(`/hello/t${i}`)),
    range(5).map((i) => hello(`t${i}`)), { delayMs: 200, settleMs: 100 }),
].map(timeoutCase);

/** Every case, by describe block, in order. */
export const HTTP1_CASES: readonly Http1Case[] = [...keepAlive, ...bodies, ...smuggling, ...syntax, ...further, ...limits, ...timeouts];

/** The cases of one group that apply to `server`. */
export function casesOf(group: string, server: CaseServer): Http1Case[] {
  return HTTP1_CASES.filter((c) => c.group === group && (c.servers === undefined || c.servers.includes(server)));
}

export const CASE_GROUPS = { KEEP_ALIVE, BODIES, SMUGGLING, SYNTAX, FURTHER, LIMITS, TIMEOUTS } as const;
