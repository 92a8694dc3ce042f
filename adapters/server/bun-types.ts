/**
 * The little of Bun's API that listen uses, declared here so that the
 * package needs no @types/bun (and never touches a global `Bun` type).
 */
export type BunHandler = (request: Request) => Response | Promise<Response>;

/** Bun's routes table: a path (Bun's syntax) to a Response or handler per method. */
export type BunRoutes = Record<string, Partial<Record<"GET" | "HEAD", Response | BunHandler>>>;

export interface BunServeOptions {
  port: number;
  hostname: string;
  reusePort: boolean;
  /** Bytes; Bun answers 413 past it (a Content-Length at once, a chunked body when it gets there). */
  maxRequestBodySize?: number;
  /** Seconds without traffic before Bun closes a connection (at most 255). */
  idleTimeout?: number;
  routes?: BunRoutes;
  fetch: BunHandler;
  error?: (error: Error) => Response;
}

export interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

export interface BunRuntime {
  serve(options: BunServeOptions): BunServer;
}

/** The Bun global when running on Bun. */
export function bunRuntime(): BunRuntime | undefined {
  return (globalThis as { Bun?: BunRuntime }).Bun;
}
