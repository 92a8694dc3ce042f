// Helpers for the native server tests (native-*.test.ts): start and stop the
// real build/hotpath-server on 127.0.0.1, a raw node:net client that sends
// exact bytes, and a strict parser for the HTTP/1.1 responses that come back
// (RFC 9112 sections 4 to 6), pipelined ones included.
//
// Everything listens and connects on 127.0.0.1 only. Every process started
// here is tracked and killed by killAllServers() (call it in afterAll).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "../../../adapters/hotpath-process.js";

export const LOOPBACK = "127.0.0.1";
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
// HOTPATH_SERVER_BINARY runs the suites against another build (make
// test-asan uses the sanitizer build), as CServer does.
export const serverPath = process.env.HOTPATH_SERVER_BINARY ?? `${repoRoot}build/hotpath-server`;
export const serverBuilt = existsSync(serverPath);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- processes ----------------------------------------------------------------

const liveChildren = new Set<ChildProcess>();
const tempDirs: string[] = [];

function newTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hotpath-native-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes `text` to a fresh temp file (a route table) and returns its path. */
export function writeTempFile(text: string | Uint8Array, name = "routes.tsv"): string {
  const path = join(newTempDir(), name);
  writeFileSync(path, text);
  return path;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<ExitInfo> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

/** SIGKILLs every process these helpers started that is still running, and removes the temp files. */
export async function killAllServers(): Promise<void> {
  const waits: Promise<ExitInfo>[] = [];
  for (const child of liveChildren) {
    const exited = exitOf(child);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    waits.push(exited);
  }
  await Promise.race([Promise.all(waits), sleep(5_000)]);
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

export interface ServerOptions {
  /** Flags after `--config FILE --port P --host 127.0.0.1 --threads N`. */
  flags?: string[] | undefined;
  /** Default 2; null: no --threads flag at all. */
  threads?: number | null | undefined;
  /** Default: a free port (0 is passed through as is: the server picks one). */
  port?: number | undefined;
  /** The environment (default: this process's). */
  env?: NodeJS.ProcessEnv | undefined;
  /** How long to wait for the start-up line. Default 10 s. */
  startTimeoutMs?: number | undefined;
}

export interface SpawnedServer {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<ExitInfo>;
}

/** Spawns build/hotpath-server with exactly these arguments (tracked: killAllServers() ends it). */
export function spawnServer(args: string[], env: NodeJS.ProcessEnv = process.env): SpawnedServer {
  const child = spawn(serverPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  track(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (d: string) => (out += d));
  child.stderr!.on("data", (d: string) => (err += d));
  child.once("error", (error) => (err += `spawn error: ${error.message}\n`));
  return { child, stdout: () => out, stderr: () => err, exited: exitOf(child) };
}

export interface NativeServer {
  port: number;
  pid: number;
  child: ChildProcess;
  /** The route table file the server was started with (SIGHUP reloads it). */
  configPath: string;
  /** The start-up line, without its newline. */
  startLine: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<ExitInfo>;
  /** True while the process runs. */
  alive(): boolean;
  /** Rewrites the route table file (for SIGHUP). */
  writeTable(text: string): void;
  /** SIGTERM, wait for the exit (at most timeoutMs, default 15 s), throw unless it exited with status 0. */
  stop(timeoutMs?: number): Promise<void>;
}

const listeningLine = /^hotpath-server listening on .*$/m;

/**
 * Starts build/hotpath-server on 127.0.0.1 serving `table` (written to a temp
 * file) and resolves once it printed its "listening on" line.
 */
export async function startServer(table: string, options: ServerOptions = {}): Promise<NativeServer> {
  const configPath = writeTempFile(table);
  for (let attempt = 1; ; ++attempt) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(configPath, port, options);
    } catch (error) {
      // freePort() is racy: another process may have taken the port meanwhile.
      const retry = options.port === undefined && attempt < 3 && /in use/i.test(String(error));
      if (!retry) throw error;
    }
  }
}

async function startOnce(configPath: string, port: number, options: ServerOptions): Promise<NativeServer> {
  const threads = options.threads === undefined ? 2 : options.threads;
  const args = ["--config", configPath, "--port", String(port), "--host", LOOPBACK,
                ...(threads === null ? [] : ["--threads", String(threads)]), ...(options.flags ?? [])];
  const spawned = spawnServer(args, options.env);
  const { child, exited } = spawned;
  const out = spawned.stdout;
  const err = spawned.stderr;

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  let line: string | undefined;
  for (;;) {
    const match = listeningLine.exec(out());
    if (match && out().indexOf("\n", match.index) !== -1) {
      line = match[0];
      break;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`hotpath-server ${args.join(" ")} exited (${child.exitCode ?? child.signalCode}) before listening:\n${out()}${err()}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`hotpath-server ${args.join(" ")} printed no "listening on" line in time:\n${out()}${err()}`);
    }
    await Promise.race([sleep(10), exited]);
  }
  const printed = /listening on http:\/\/127\.0\.0\.1:(\d+)\b/.exec(line);
  if (!printed) {
    child.kill("SIGKILL");
    throw new Error(`start-up line does not name http://127.0.0.1:PORT: ${JSON.stringify(line)}`);
  }
  const actualPort = Number(printed[1]);
  if (port !== 0 && actualPort !== port) {
    child.kill("SIGKILL");
    throw new Error(`asked for port ${port}, start-up line says ${actualPort}`);
  }
  const startLine = line;
  return {
    port: actualPort,
    pid: child.pid!,
    child,
    configPath,
    startLine,
    stdout: out,
    stderr: err,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    writeTable: (text: string) => writeFileSync(configPath, text),
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      if (result === null) {
        child.kill("SIGKILL");
        throw new Error(`hotpath-server (pid ${child.pid}) did not exit within ${timeoutMs} ms of SIGTERM\nstderr:\n${err()}`);
      }
      if (result.code !== 0) {
        throw new Error(`hotpath-server (pid ${child.pid}) exited with ${result.code ?? result.signal}, expected 0\nstderr:\n${err()}`);
      }
    },
  };
}

export interface RunResult extends ExitInfo {
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs build/hotpath-server with exactly these arguments until it exits (killed after timeoutMs). */
export async function runServerToExit(args: string[], timeoutMs = 10_000, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const { child, stdout, stderr, exited } = spawnServer(args, env);
  const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
  if (result === null) {
    child.kill("SIGKILL");
    const killed = await exited;
    return { ...killed, stdout: stdout(), stderr: stderr(), timedOut: true };
  }
  // Let the pipes drain.
  await sleep(20);
  return { ...result, stdout: stdout(), stderr: stderr(), timedOut: false };
}

// ---- raw sockets ----------------------------------------------------------------

export type Bytes = string | Uint8Array;

/** Bytes of a string, each char one byte (latin1), so "\x00" or "\xff" go out as is. */
export function bytes(data: Bytes): Buffer {
  return typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
}

/** A TCP connection to 127.0.0.1 that records everything the server sends and how it ended. */
export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  private size = 0;
  /** The server sent FIN or RST. */
  closedByServer = false;
  /** The server reset the connection (ECONNRESET / EPIPE). */
  reset = false;
  /** The socket is closed (by either side). */
  closed = false;
  error: Error | undefined;
  private waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
      this.notify();
    });
    socket.on("end", () => {
      this.closedByServer = true;
      this.notify();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      this.error = error;
      if (error.code === "ECONNRESET" || error.code === "EPIPE") {
        this.reset = true;
        this.closedByServer = true;
      }
      this.notify();
    });
    socket.on("close", () => {
      this.closed = true;
      this.notify();
    });
  }

  static connect(port: number, timeoutMs = 5_000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: LOOPBACK });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to 127.0.0.1:${port} timed out`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeListener("error", onError);
        resolve(new RawClient(socket));
      });
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once("error", onError);
    });
  }

  /** Everything received so far. */
  get data(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Writes bytes; resolves once handed to the kernel (write errors are recorded, not thrown). */
  write(data: Bytes): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.write(bytes(data), () => resolve());
    });
  }

  /** Half-close: sends FIN, keeps reading. */
  end(): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => this.socket.end(() => resolve()));
  }

  /** Waits until `done()` holds or the socket closed; true when `done()` holds. */
  async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return true;
    if (this.closed) return false;
    return new Promise((resolve) => {
      const check = () => {
        if (done()) finish(true);
        else if (this.closed) finish(false);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      this.waiters.add(check);
    });
  }

  /** Waits for the server to close the connection; true if it did within timeoutMs. */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    await this.waitFor(() => this.closedByServer || this.closed, timeoutMs);
    return this.closedByServer;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface ExchangeOptions {
  /** Call socket.end() (half-close) after the last chunk. */
  halfClose?: boolean | undefined;
  /** Stop collecting after this long; default 5 s. */
  timeoutMs?: number | undefined;
  /** Pause between chunks (when `request` is an array); default 0. */
  delayMs?: number | undefined;
  /** Stop as soon as this holds for the bytes received (then wait settleMs). */
  until?: ((data: Buffer) => boolean) | undefined;
  /** After `until` held: keep listening this long for more bytes or a close; default 0. */
  settleMs?: number | undefined;
}

export interface ExchangeResult {
  data: Buffer;
  /** The server closed (FIN or RST) the connection before we gave up. */
  closedByServer: boolean;
  /** The close was a reset. */
  reset: boolean;
  /** Milliseconds from the first write to the end of the exchange. */
  elapsedMs: number;
}

/**
 * Connects to 127.0.0.1:port, writes `request` (an array: one write per
 * element, delayMs apart), optionally half-closes, and collects everything
 * until the server closes, `until` holds, or timeoutMs passes.
 */
export async function exchange(port: number, request: Bytes | Bytes[], options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const client = await RawClient.connect(port);
  const started = Date.now();
  const deadline = started + timeoutMs;
  try {
    const parts = Array.isArray(request) ? request : [request];
    for (let i = 0; i < parts.length; ++i) {
      if (client.closedByServer || client.closed) break;
      await client.write(parts[i]!);
      if (options.delayMs && i + 1 < parts.length) await sleep(options.delayMs);
    }
    if (options.halfClose && !client.closed) await client.end();
    const until = options.until;
    const stopped = await client.waitFor(
      () => client.closedByServer || (until !== undefined && until(client.data)),
      Math.max(0, deadline - Date.now()),
    );
    if (stopped && !client.closedByServer && options.settleMs) {
      await client.waitFor(() => client.closedByServer, options.settleMs);
    }
    return { data: client.data, closedByServer: client.closedByServer, reset: client.reset, elapsedMs: Date.now() - started };
  } finally {
    client.destroy();
  }
}

// ---- responses -----------------------------------------------------------------

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

class ClosedWithoutAnswer extends Error {
  constructor(readonly received: Buffer) {
    super(`connection closed by the server without a complete answer; received ${show(received)}`);
  }
}

/**
 * A keep-alive connection that sends one request at a time and reads its
 * answer, reconnecting when the server closed the previous connection.
 */
export class SequentialClient {
  private client: RawClient | undefined;
  private offset = 0;

  constructor(private readonly port: number) {}

  async request(data: Bytes, isHead: boolean, timeoutMs = 5_000): Promise<HttpResponse> {
    const reused = this.client !== undefined && !this.client.closedByServer && !this.client.closed;
    try {
      return await this.attempt(data, isHead, timeoutMs);
    } catch (error) {
      // The server may close a kept-alive connection between two requests
      // (idle or error close); only then is one retry on a new connection fair.
      if (reused && error instanceof ClosedWithoutAnswer && error.received.length === 0) {
        return this.attempt(data, isHead, timeoutMs);
      }
      throw error;
    }
  }

  private async attempt(data: Bytes, isHead: boolean, timeoutMs: number): Promise<HttpResponse> {
    if (this.client === undefined || this.client.closedByServer || this.client.closed) {
      this.client?.destroy();
      this.client = await RawClient.connect(this.port);
      this.offset = 0;
    }
    const client = this.client;
    await client.write(data);
    let parsed: ParsedStream = { responses: [], rest: Buffer.alloc(0) };
    const finalCount = () => parsed.responses.filter((r) => r.status >= 200).length;
    const got = await client.waitFor(() => {
      parsed = parseResponses(client.data.subarray(this.offset), [isHead], client.closedByServer);
      return finalCount() >= 1;
    }, timeoutMs);
    if (!got) {
      parsed = parseResponses(client.data.subarray(this.offset), [isHead], true);
    }
    const answer = parsed.responses.find((r) => r.status >= 200);
    if (!answer) {
      const received = client.data.subarray(this.offset);
      const closed = client.closedByServer;
      client.destroy();
      this.client = undefined;
      if (closed) throw new ClosedWithoutAnswer(received);
      throw new Error(`no answer within ${timeoutMs} ms; received ${show(received)}`);
    }
    const used = parsed.responses.slice(0, parsed.responses.indexOf(answer) + 1).reduce((n, r) => n + r.raw.length, 0);
    this.offset += used;
    if (answer.header("connection")?.toLowerCase().includes("close")) {
      // Announced close: never send the next request on this connection.
      client.destroy();
      this.client = undefined;
    }
    return answer;
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}
