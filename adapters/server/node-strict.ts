/// <reference types="node" />
/**
 * node:http held to hotpath-server's rules and limits (strict-request.ts,
 * limits.ts): what llhttp refuses is answered with hotpath-server's status
 * (clientError), what it lets through is refused before routing
 * (admitRequest), a body is counted and answered 413 past the limit
 * (RequestBody), and every refusal closes the connection the way
 * hotpath-server does: the answer, then FIN, then whatever the client still
 * sends is read and dropped for a while (linger), so that it reads the
 * answer instead of a reset, and nothing after the refused request is
 * parsed. No node: module is imported here (only types): listen-node.ts
 * loads them.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";

import type { ServerLimits } from "./limits.js";
import { checkRequest, closesAfter, HAS_BODY, MAX_REQUEST_LINE_BYTES, NO_BODY, REFUSAL_REASONS, SERVER_WIDE_ALLOW, type RequestHead } from "./strict-request.js";

// How often node:http looks for heads past headersTimeout; hotpath-server's
// timeouts fire at most this late too (native/limits.h, kTickMs).
const TIMEOUT_CHECK_MS = 250;
// After a refusal: how long the client's remaining bytes are read and dropped
// before the connection is closed anyway (native/limits.h, kLingerMs).
const LINGER_MS = 2_000;

/** createServer's options for these limits. */
export function nodeServerOptions(limits: ServerLimits): ServerOptions {
  return {
    // llhttp counts the target and the field names and values (no
    // separators) against it; admitRequest counts the whole head.
    maxHeaderSize: limits.maxHeaderBytes,
    // From a head's first byte to its end (node:http's ConnectionsList).
    headersTimeout: limits.headerTimeoutMs,
    connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, limits.headerTimeoutMs),
    // hotpath-server has no limit on a whole request, only on its head and
    // on a body that stops arriving (see the socket timeout below).
    requestTimeout: 0,
    // Idle connections are guardServer's (stallLimit), to the millisecond;
    // node:http's own keep-alive timer would add a second to it.
    keepAliveTimeout: 0,
    // The Host rules are checkRequest's, with hotpath-server's close.
    requireHostHeader: false,
  };
}

/**
 * The connection-level limits and llhttp's refusals: the connection limit,
 * a body or an answer that stops moving, and clientError.
 */
export function guardServer(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
  const open = new Set<Socket>();
  openSockets.set(server, open);
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  // node:http says when a socket has had no traffic for socket.timeout ms
  // (server.timeout, or its keepAliveTimeout between requests); how long it
  // has stalled adds up here, and the stall ends the connection at the
  // limit for what it is waiting for (stallLimit).
  const tick = Math.min(limits.idleTimeoutMs, limits.writeTimeoutMs);
  server.setTimeout(tick);
  server.on("timeout", (socket: Socket) => {
    const waited = socket.timeout ?? tick;
    const bytes = socket.bytesRead + socket.bytesWritten;
    const last = stalls.get(socket);
    const stalled = last !== undefined && last.bytes === bytes ? last.ms + waited : waited;
    const limit = stallLimit(socket, limits);
    if (limit === null) {
      stalls.delete(socket);
    } else if (stalled >= limit) {
      socket.destroy();
    } else {
      stalls.set(socket, { bytes, ms: stalled });
      socket.setTimeout(Math.min(tick, limit - stalled));
    }
  });
  server.on("clientError", (error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }, socket: Socket) => {
    if (refused.has(socket)) return;  // already answering a refusal; llhttp repeats its error
    // node:http times a connection from its start even before its first
    // byte; hotpath-server's header timeout starts at a head's first byte,
    // and a silent connection is idle (stallLimit closes it at idleTimeoutMs).
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT" && socket.bytesRead === 0) return;
    const status = parseErrorStatus(error);
    stopParsing(socket);
    if (status === null || !socket.writable) {
      socket.destroy();
      return;
    }
    if (status === 0) {
      // Bytes after a request that closes the connection: never parsed,
      // never answered (RFC 9112 9.6); the answers due go out, then the close.
      afterAnswersInFlight(socket, () => linger(socket));
      return;
    }
    // An error inside a body belongs to the request that has it: it is
    // answered in its place, in order (RequestBody.fail).
    const body = openBodies.get(socket);
    if (body !== undefined && body.receiving) {
      body.fail(status);
      return;
    }
    afterAnswersInFlight(socket, () => {
      socket.write(refusalBytes(status));
      linger(socket);
    });
  });
}

/**
 * NO_BODY or HAS_BODY for a request to route; -1 when it has been answered
 * here (a refusal, with a close; or OPTIONS *) or must not be answered (it
 * came after a refusal on its connection).
 */
export function admitRequest(req: IncomingMessage, res: ServerResponse, limits: ServerLimits): number {
  if (refused.has(req.socket)) return -1;
  headsRead.set(req.socket, req.socket.bytesRead);
  const head: RequestHead = { method: req.method ?? "", target: req.url ?? "", version: req.httpVersion, fields: req.rawHeaders };
  const verdict = checkRequest(head, limits);
  if (verdict !== NO_BODY && verdict !== HAS_BODY) {
    refuse(req, res, verdict);
    return -1;
  }
  // llhttp misses a "close" with whitespace after it ("close<HTAB>").
  if (res.shouldKeepAlive && closesAfter(head)) res.shouldKeepAlive = false;
  // hotpath-server's answers carry no Connection field on a persistent
  // HTTP/1.1 connection (node:http would add keep-alive and Keep-Alive).
  if (res.shouldKeepAlive && req.httpVersionMinor === 1) res.removeHeader("connection");
  if (req.url === "*") {
    // OPTIONS * (RFC 9110 9.3.7): what the server as a whole supports.
    res.writeHead(204, { allow: SERVER_WIDE_ALLOW });
    res.end();
    return -1;
  }
  return verdict;
}

/**
 * Stops `server` as hotpath-server stops on SIGTERM: no new connections;
 * on each open one, what has been parsed is answered (a body being
 * received first comes in whole), nothing more is parsed, and it closes
 * with FIN and a linger; what is still open after `graceMs` is closed.
 * Never a half-written answer unless the grace runs out.
 */
export function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const socket of openSockets.get(server) ?? []) quiesce(socket);
  });
}

function quiesce(socket: Socket): void {
  const body = openBodies.get(socket);
  if (body !== undefined && body.receiving) {
    void body.end().then(() => quiesce(socket));
    return;
  }
  stopParsing(socket);
  afterAnswersInFlight(socket, () => linger(socket));
}

/** Answers `status` with Connection: close, then lingers and closes; nothing after it on the connection is parsed. */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  const socket = req.socket;
  stopParsing(socket);
  if (res.headersSent) {
    socket.destroy();  // an answer already started cannot become a refusal: the client sees it cut
    return;
  }
  const reason = REFUSAL_REASONS[status] ?? "";
  // node:http ends a `Connection: close` answer with socket.destroySoon():
  // this socket lingers instead.
  (socket as Socket & { destroySoon(): void }).destroySoon = () => linger(socket);
  res.writeHead(status, reason, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(reason.length),
    connection: "close",
  });
  res.end(req.method === "HEAD" ? undefined : reason);
}

/** How a body ended: read whole, past the limit, or broken (a framing error, or the client went away). */
export type BodyEnd = "complete" | "too-large" | "broken";

/**
 * A request body counted on its way in: `stream` for the Request; past the
 * limit it errors, and `ended` says how it ended. `end()` reads (and drops)
 * what nobody read, so an answer is never sent before its request's body is
 * in (as hotpath-server: a body is framed before it is answered).
 */
export class RequestBody {
  readonly stream: ReadableStream<Uint8Array>;
  #req: IncomingMessage;
  #max: number;
  #received = 0;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #flowing = false;
  #dropping = false;
  #end: BodyEnd | null = null;
  #status = 0;
  #settle!: (end: BodyEnd) => void;
  readonly #ended: Promise<BodyEnd>;

  constructor(req: IncomingMessage, maxBytes: number) {
    this.#req = req;
    this.#max = maxBytes;
    this.#ended = new Promise((resolve) => (this.#settle = resolve));
    openBodies.set(req.socket, this);
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: () => this.#flow(),
      cancel: () => {
        this.#dropping = true;
        this.#flow();
      },
    }, { highWaterMark: 0 });
  }

  /** True once the body has ended, one way or another. */
  get ended(): boolean {
    return this.#end !== null;
  }

  /** llhttp is still inside this body (its last byte not parsed yet; 'end' comes a tick later). */
  get receiving(): boolean {
    return this.#end === null && !this.#req.complete;
  }

  /** The refusal status for a body that did not end complete: 413, or llhttp's framing error's (0 when the client went away). */
  get refusal(): number {
    return this.#end === "too-large" ? 413 : this.#status;
  }

  /** Resolves once the whole body is in (reading and dropping what nobody read), or it cannot be. */
  end(): Promise<BodyEnd> {
    if (this.#end === null) {
      this.#dropping = true;
      this.#flow();
    }
    return this.#ended;
  }

  /** Resolves if the body goes past the limit (never otherwise). */
  tooLarge(): Promise<void> {
    return this.#ended.then((end) => (end === "too-large" ? undefined : new Promise<void>(() => {})));
  }

  /** llhttp found the body malformed (clientError): the request is answered `status`. */
  fail(status: number): void {
    this.#status = status;
    this.#finish("broken", new Error("malformed request body"));
  }

  #flow(): void {
    if (this.#end !== null) return;
    if (!this.#flowing) {
      this.#flowing = true;
      const req = this.#req;
      req.on("data", (chunk: Buffer) => this.#data(chunk));
      req.once("end", () => this.#finish("complete", null));
      req.once("close", () => this.#finish("broken", new Error("the connection closed before the body ended")));
      req.on("error", () => {});
    }
    this.#req.resume();
  }

  #data(chunk: Buffer): void {
    if (this.#end !== null) return;
    this.#received += chunk.length;
    if (this.#received > this.#max) {
      this.#finish("too-large", new RangeError(`request body over ${this.#max} bytes`));
      return;
    }
    const controller = this.#controller;
    if (this.#dropping || controller === null) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) this.#req.pause();
  }

  #finish(end: BodyEnd, error: Error | null): void {
    if (this.#end !== null) return;
    this.#end = end;
    if (openBodies.get(this.#req.socket) === this) openBodies.delete(this.#req.socket);
    const controller = this.#controller;
    if (controller !== null && !this.#dropping) {
      try {
        if (error === null) controller.close();
        else controller.error(error);
      } catch {
        // the reader cancelled meanwhile
      }
    }
    if (end !== "complete") this.#req.pause();
    this.#settle(end);
  }
}

// ---- connections ----------------------------------------------------------------

/** Sockets that answered a refusal: nothing more is parsed or answered on them. */
const refused = new WeakSet<Socket>();
/** The body being received on a socket (one at a time: HTTP/1.1 is sequential). */
const openBodies = new WeakMap<Socket, RequestBody>();
const lingering = new WeakSet<Socket>();
/** Each guarded server's open connections (for drain). */
const openSockets = new WeakMap<Server, Set<Socket>>();
/** How long a socket has had no traffic, as of its last timeout, and its byte count then. */
const stalls = new WeakMap<Socket, { bytes: number; ms: number }>();
/** socket.bytesRead when its last request head was in. */
const headsRead = new WeakMap<Socket, number>();

/**
 * How long a socket may go without traffic in the state it is in
 * (hotpath-server's event loop sweep): an answer the client does not read,
 * the write timeout; a body that stopped arriving, or nothing in progress,
 * the idle timeout. None while a handler is at work, or while a head is
 * coming in (headersTimeout answers that 408).
 */
function stallLimit(socket: Socket, limits: ServerLimits): number | null {
  if (socket.writableLength > 0) return limits.writeTimeoutMs;
  const body = openBodies.get(socket);
  if (body !== undefined && !body.ended) return limits.idleTimeoutMs;
  if ((socket as Socket & { _httpMessage?: unknown })._httpMessage) return null;
  if (socket.bytesRead > (headsRead.get(socket) ?? 0)) return null;
  return limits.idleTimeoutMs;
}

/**
 * Takes the socket from node:http's parser: its 'data' listener goes, and
 * one of ours (dropping what arrives) makes the parser let go of the
 * socket's handle (node:http unconsumes it when a 'data' listener is added).
 * A request already parsed from the same read is ignored (admitRequest).
 */
function stopParsing(socket: Socket): void {
  if (refused.has(socket)) return;
  refused.add(socket);
  socket.removeAllListeners("data");
  socket.on("data", () => {});
}

/** FIN after what was written; the client's remaining bytes are dropped for at most LINGER_MS; then closed. */
function linger(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  socket.once("end", () => socket.destroy());
  socket.end();
  socket.resume();
}

/** Runs `then` once every answer due before it on this connection has been written. */
function afterAnswersInFlight(socket: Socket, then: () => void): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight === null || inFlight === undefined) {
    then();
    return;
  }
  // node:http hands the socket to the next queued answer in the same
  // 'finish' event, before this listener runs.
  inFlight.once("finish", () => afterAnswersInFlight(socket, then));
  inFlight.once("close", () => {
    if (!inFlight.writableFinished) socket.destroy();
  });
}

function refusalBytes(status: number): string {
  const reason = REFUSAL_REASONS[status] ?? "";
  return `HTTP/1.1 ${status} ${reason}\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${reason.length}\r\nConnection: close\r\n\r\n${reason}`;
}

// ---- llhttp's errors, as hotpath-server's statuses ------------------------------

/** The status for a clientError; null when the client is gone (nothing to answer); 0: nothing to answer, the connection ends after its answers. */
function parseErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }): number | null {
  const code = error.code ?? "";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  if (code === "HPE_CLOSED_CONNECTION") return 0;  // bytes after a closing request: not answered
  if (!code.startsWith("HPE_")) return null;  // ECONNRESET, EPIPE, ...: the client went away
  const raw = error.rawPacket;
  const at = error.bytesParsed ?? raw?.length ?? 0;
  if (code === "HPE_HEADER_OVERFLOW") return raw !== undefined && requestLineTooLong(raw, at) ? 414 : 431;
  if (code === "HPE_INVALID_VERSION" && raw !== undefined) return versionStatus(raw, at);
  return 400;
}

/**
 * Whether the head that overflowed has a request line too long (414 before
 * 431, as hotpath-server checks the line first). Seen only when the read
 * that crossed the limit starts with that request line: llhttp reports the
 * current read, not the head.
 */
function requestLineTooLong(raw: Buffer, at: number): boolean {
  let start = 0;
  while (raw[start] === 0x0d && raw[start + 1] === 0x0a) start += 2;
  const methodEnd = raw.indexOf(0x20, start);
  if (methodEnd <= start || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(raw.toString("latin1", start, methodEnd))) return false;
  const lineEnd = raw.indexOf(0x0a, start);
  const length = lineEnd < 0 ? Math.max(at, raw.length) - start : lineEnd - start - (raw[lineEnd - 1] === 0x0d ? 1 : 0);
  return length >= MAX_REQUEST_LINE_BYTES;
}

/** llhttp refuses every version but 0.9, 1.0, 1.1 and 2.0: a well-formed HTTP/x.y is 505, anything else 400 (native/http_parser.cpp). */
function versionStatus(raw: Buffer, at: number): number {
  const start = raw.lastIndexOf(0x0a, Math.max(0, at - 1)) + 1;
  let end = raw.indexOf(0x0a, at);
  if (end < 0) end = raw.length;
  const line = raw.toString("latin1", start, end).replace(/\r$/, "");
  return /^[^ ]+ [^ ]+ HTTP\/[0-9]\.[0-9]$/.test(line) ? 505 : 400;
}
