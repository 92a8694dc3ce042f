// A raw TCP client for the HTTP suites: sends exact bytes to 127.0.0.1 and
// records everything the server sends back and how the connection ended
// (FIN, reset). Server-neutral: the native suites and the HotpathServer ones
// use it alike.
import { connect, type Socket } from "node:net";

export const LOOPBACK = "127.0.0.1";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
