/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only
// (node:net). Nothing a Worker can reach imports it: it is its own entry
// (@hotpath/server/fallback), loaded by the code that runs a fallback.
/**
 * The JavaScript side of hotpath-server's handler routes
 * (native/fallback-protocol.md): serveFallback() listens on a Unix socket
 * or a TCP port, reads the request frames hotpath-server forwards for its
 * PROXY, PROXY_UNIX and PROXY_TCP routes, runs `answer` for each, and
 * writes each Response back as a response frame, matched by id: many
 * requests are in flight at once, and each answer goes back as soon as it
 * is ready, in any order.
 *
 *   import { serveFallback } from "@hotpath/server/fallback";
 *   const fallback = await serveFallback(
 *     (request, route) => new Response(`hello ${route.params.name}`),
 *     { path: "/run/app.sock" },
 *   );
 *   // hotpath-server --config routes.tsv --fallback unix:/run/app.sock
 *   ...
 *   await fallback.close();
 *
 * `route.index` is the route's index in the table (counted from 0 over
 * every route line, PROXY lines included: the order toRouteTable writes),
 * `route.params` its parameters as the C++ core decoded them. The table's
 * directives (MIDDLEWARE, ROUTE_MIDDLEWARE) already ran in the server;
 * their fields are set on the answer there.
 *
 * Intended use by an app (HotpathServer's handlers behind CServer): the
 * app writes its route table with toRouteTable(), its handler routes as
 * PROXY lines, and serves `answer = (request, route) => run the handler of
 * route number route.index with route.params` here, in its own process
 * (the handlers are closures), then starts hotpath-server with
 * `--fallback unix:<this path>`. If hotpath-server restarts, it reconnects
 * by itself; if this process restarts, serveFallback() on the same path
 * replaces the stale socket file.
 */
import type { Server, Socket } from "node:net";

import { decodeRequestFrame, encodeResponseFrame, type Field, FrameError, FrameSplitter, MAX_FRAME_LENGTH, type RequestFrame } from "./frames.js";

export { FrameError } from "./frames.js";

export interface FallbackRoute {
  /** The route's index in the table (Route::index). */
  index: number;
  /** Its parameters by name, decoded ("" names a bare `*`). */
  params: Record<string, string>;
}

export type FallbackAnswer = (request: Request, route: FallbackRoute) => Response | Promise<Response>;

/** A Unix domain socket path, or a TCP host and port (port 0: any free one). */
export type FallbackAddress = { path: string } | { host: string; port: number };

export interface FallbackOptions {
  /**
   * Told about what cannot be answered normally: an answer that threw or
   * returned no Response (answered 500), a connection whose frames do not
   * decode (closed: its requests get 502 from the server). Default:
   * console.error.
   */
  onError?: (error: unknown) => void;
  /** Request frames longer than this close their connection. Default: the protocol's 4 GiB. */
  maxFrameBytes?: number;
}

export interface RunningFallback {
  /** Where it listens (the chosen port when given 0). */
  readonly address: FallbackAddress;
  /** Requests being answered now, over every connection. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, answers the requests already received,
   * then closes every connection (and removes the socket file).
   */
  close(): Promise<void>;
}

// Named through a variable: no bundler resolves it.
const NODE_NET: string = "node:net";

// Fetch refuses these methods (new Request throws): 400, as on node:http.
const FETCH_FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);
// Host may hold anything a client sends; only a host[:port] goes in a URL
// (the rule of HotpathServer's node:http listener).
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/;

const TEXT = "text/plain; charset=utf-8";

export async function serveFallback(answer: FallbackAnswer, address: FallbackAddress, options: FallbackOptions = {}): Promise<RunningFallback> {
  const net = (await import(NODE_NET)) as typeof import("node:net");
  const onError = options.onError ?? ((error: unknown) => console.error("hotpath fallback:", error));
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_LENGTH;
  const connections = new Set<FallbackConnection>();
  let inFlight = 0;
  let closing: Promise<void> | null = null;
  let allClosed: (() => void) | null = null;

  const server = net.createServer({ noDelay: true }, (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const connection = new FallbackConnection(socket, answer, onError, maxFrameBytes, (delta) => {
      inFlight += delta;
    });
    connections.add(connection);
    socket.once("close", () => {
      connections.delete(connection);
      if (closing && connections.size === 0) allClosed?.();
    });
  });
  await listen(net, server, address);
  const bound = server.address();
  const actual: FallbackAddress = "path" in address ? { path: address.path } : {
    host: address.host,
    port: typeof bound === "object" && bound !== null ? bound.port : address.port,
  };
  return {
    address: actual,
    get inFlight() {
      return inFlight;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        let listening = true;
        let open = connections.size > 0;
        const done = () => {
          if (!listening && !open) resolve();
        };
        allClosed = () => {
          open = false;
          done();
        };
        server.close(() => {
          listening = false;
          done();
        });
        for (const connection of connections) connection.end();
        if (!open) allClosed();
      });
      return closing;
    },
  };
}

/** Listens; a Unix socket file left by a process that died is replaced. */
async function listen(net: typeof import("node:net"), server: Server, address: FallbackAddress): Promise<void> {
  const attempt = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      const done = () => {
        server.off("error", reject);
        resolve();
      };
      if ("path" in address) server.listen({ path: address.path }, done);
      else server.listen({ host: address.host, port: address.port }, done);
    });
  try {
    await attempt();
  } catch (error) {
    if (!("path" in address) || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    if (await someoneListens(net, address.path)) throw error;
    const { rmSync } = (await import("node:fs")) as typeof import("node:fs");
    rmSync(address.path, { force: true });
    await attempt();
  }
}

function someoneListens(net: typeof import("node:net"), path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/** One connection from hotpath-server (one per event loop thread). */
class FallbackConnection {
  readonly #splitter: FrameSplitter;
  #inFlight = 0;
  #ending = false;
  #corked = false;

  constructor(
    private readonly socket: Socket,
    private readonly answer: FallbackAnswer,
    private readonly onError: (error: unknown) => void,
    maxFrameBytes: number,
    private readonly count: (delta: number) => void,
  ) {
    this.#splitter = new FrameSplitter(maxFrameBytes);
    socket.on("data", (chunk: Buffer) => this.#received(chunk));
    socket.on("error", () => socket.destroy());  // the server went away: nothing left to answer
  }

  /** Ends the connection once every request received is answered. */
  end(): void {
    this.#ending = true;
    if (this.#inFlight === 0) this.socket.end();
  }

  #received(chunk: Uint8Array): void {
    try {
      this.#splitter.push(chunk, (payload) => {
        const frame = decodeRequestFrame(payload);
        this.#inFlight++;
        this.count(1);
        void this.#respond(frame).then((bytes) => {
          this.#inFlight--;
          this.count(-1);
          this.#write(bytes);
          if (this.#ending && this.#inFlight === 0) this.socket.end();
        });
      });
    } catch (error) {
      this.#lost(error);
    }
  }

  /**
   * Answers ready in the same turn of the event loop go out in one write:
   * the socket is corked at the first and uncorked after the turn's
   * callbacks and promises have run.
   */
  #write(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.#corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  /** Frames that do not decode: nothing later on this stream can be trusted. */
  #lost(error: unknown): void {
    this.onError(error instanceof FrameError ? new FrameError(`closing a connection from hotpath-server: ${error.message}`) : error);
    this.socket.destroy();
  }

  /** The response frame for one request frame; never rejects. */
  async #respond(frame: RequestFrame): Promise<Uint8Array> {
    const head = frame.method === "HEAD";
    let response: Response;
    const request = toRequest(frame);
    if (request === null) {
      response = plain(400, "Bad Request");
    } else {
      try {
        const params: Record<string, string> = Object.create(null) as Record<string, string>;
        for (const [name, value] of frame.params) params[name] = value;
        response = await this.answer(request, { index: frame.route, params });
        if (!(response instanceof Response)) throw new TypeError(`the answer for route ${frame.route} returned ${describe(response)}, not a Response`);
      } catch (error) {
        this.onError(error);
        response = plain(500, "Internal Server Error");
      }
    }
    try {
      return await encodeAnswer(frame.id, response, head);
    } catch (error) {
      // A body stream that failed, a header the frame cannot carry.
      this.onError(error);
      return encodeAnswer(frame.id, plain(500, "Internal Server Error"), head);
    }
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "object" ? `an object (${Object.prototype.toString.call(value)})` : typeof value;
}

function plain(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": TEXT } });
}

/** The Request for a request frame; null when Fetch cannot express it (answered 400). */
function toRequest(frame: RequestFrame): Request | null {
  if (FETCH_FORBIDDEN.has(frame.method.toUpperCase()) || !frame.target.startsWith("/")) return null;
  let host = "localhost";
  for (const [name, value] of frame.headers) {
    if (name.length === 4 && name.toLowerCase() === "host") {
      host = value;
      break;
    }
  }
  if (!HOST.test(host)) return null;
  try {
    const headers = new Headers();
    for (const [name, value] of frame.headers) headers.append(name, value);
    // Fetch gives GET and HEAD no body (HotpathServer's node:http listener
    // does the same); every other method gets its bytes, possibly none.
    const method = frame.method;
    const upper = method.toUpperCase();
    const hasBody = upper !== "GET" && upper !== "HEAD";
    // Concatenated, never resolved: "//x" stays a path.
    return new Request(`http://${host}${frame.target}`, {
      method,
      headers,
      ...(hasBody ? { body: frame.body.slice() } : {}),
    });
  } catch {
    return null;  // a URL, method or field the Fetch standard refuses
  }
}

/**
 * A Response as a response frame. The body is read whole. For HEAD the
 * frame carries no body but the Content-Length of the one the handler
 * made (its own Content-Length when it set one).
 */
async function encodeAnswer(id: number, response: Response, head: boolean): Promise<Uint8Array> {
  // Response.error() (status 0) is no answer to send: 500, as a throw.
  if (response.status < 200 || response.status > 599) response = plain(500, "Internal Server Error");
  const status = response.status;
  const headers: Field[] = [];
  let length: string | null = null;
  // Headers iterate several Set-Cookie fields one by one (Fetch), in order.
  response.headers.forEach((value, name) => {
    if (name === "content-length") length = value;
    headers.push([name, value]);
  });
  let body: Uint8Array = response.body === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  if (head) {
    if (length === null && body.length > 0) headers.push(["content-length", String(body.length)]);
    body = new Uint8Array(0);
  }
  return encodeResponseFrame({ id, status, headers, body });
}
