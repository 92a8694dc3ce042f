/**
 * The public types of HotpathServer: handlers, middleware and listening.
 */
import type { Context } from "./context.js";
import type { ServerLimits } from "./limits.js";

/** A route handler: answers with a Response (or a promise of one). */
export type Handler = (c: Context) => Response | Promise<Response>;

/** Runs the rest of the chain; resolves once `c.res` is set. Never rejects for a thrown handler (onError answered). */
export type Next = () => Promise<void>;

/**
 * Onion-order middleware (Koa/Hono style): work before `await next()` runs on
 * the way in, work after it on the way out (`c.res` is then the answer).
 * Returning a Response without calling next answers with it.
 */
export type Middleware = (c: Context, next: Next) => Response | void | Promise<Response | void>;

/** Answers for a thrown or rejected handler or middleware. */
export type ErrorHandler = (error: Error, c: Context) => Response | Promise<Response>;

/** Answers for requests no route path matches. */
export type NotFoundHandler = (c: Context) => Response | Promise<Response>;

/**
 * Where to listen, and hotpath-server's limits under the names of its flags
 * (maxHeaderBytes is --max-header-bytes, ...), with its defaults. What each
 * one does on Node and on Bun: SECURITY.md, "Limits and defaults".
 */
export interface ListenOptions extends Partial<ServerLimits> {
  /** Address to bind (default 127.0.0.1). */
  hostname?: string;
  /** SO_REUSEPORT: several processes share the port (Bun; Node >= 22.12). Default false. */
  reusePort?: boolean;
  /**
   * Bun only. Serve static declarative routes as static Response objects from
   * Bun's routes table, answered without calling JavaScript. Off by default,
   * because Bun then answers three things its own way, unlike every other
   * Hotpath path: it adds an `etag` header, answers `If-None-Match` (including
   * `*`) with 304, and answers a target longer than 8192 bytes (a long query)
   * with the route instead of 414.
   */
  bunStaticResponses?: boolean;
}

export interface RunningServer {
  /** The port listened on (the chosen one when listen was given 0). */
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  stop(): Promise<void>;
}
