/// <reference types="node" />
// tsconfig.build.json loads no global types (the wasm adapter must not lean
// on Node's); this entry point is Node/Bun only, so it asks for them itself.
/**
 * @hotpath/server/c: routes declared in TypeScript, served by the native
 * epoll server build/hotpath-server (native/README.md) in a child process.
 *
 *   import { CServer, text, template } from "@hotpath/server/c";
 *   const app = new CServer().get("/", text("ok")).get("/hello/:name", template("hello {name}"));
 *   const server = await app.listen(3000);
 *   ...
 *   await server.stop();
 *
 * Function handlers are handler routes (PROXY lines): hotpath-server
 * forwards them to a JavaScript fallback over a Unix socket, started by
 * listen() in this process or, with `fallback: { module }`, in a supervised
 * child process (c-fallback.ts).
 *
 * Runs on Node >= 20 and Bun: only node:child_process, node:net, node:fs,
 * node:os, node:path and node:url, which both provide. The process itself
 * is started, watched and stopped by hotpath-process.ts.
 */
import { constants, rmSync } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { fallbackInProcess, fallbackProcess, type FallbackProcessOptions, type StartedFallback } from "./c-fallback.js";
import type { FallbackAnswer } from "./fallback/serve.js";
import { hotpathServerBinary } from "./native-build.js";
import { HotpathProcess, LaunchError } from "./hotpath-process.js";
import { isReply, type Reply } from "./reply.js";
import { RouteRecorder } from "./route-recorder.js";
import { middlewareLine, proxyLine, routeTableText, toTableLine, type ReplyRoute } from "./route-table-writer.js";
import type { Directive } from "./routing/directives.js";
import type { RouteMethod } from "./routing/methods.js";
import { HotpathServer } from "./server/app.js";
import { fallbackAnswer } from "./server/fallback-answer.js";
import { givenLimits, LIMIT_FLAGS, limitsOf, type ServerLimits } from "./server/limits.js";
import { directiveInfo } from "./server/middleware/directive.js";
import type { Handler, Middleware } from "./server/types.js";

export type { FallbackProcessOptions } from "./c-fallback.js";

export { text, json, html, template, jsonTemplate, type Reply } from "./reply.js";
export { cors, type CorsOptions } from "./server/middleware/cors.js";
export { header } from "./server/middleware/header.js";
export { requireHeader } from "./server/middleware/require-header.js";

/**
 * Where to listen, and hotpath-server's limits (maxConnections is
 * --max-connections, maxBodyBytes --max-body-bytes, ...: the options
 * HotpathServer.listen() takes too, adapters/server/limits.ts), passed on as
 * its flags.
 */
export interface CServerListenOptions extends Partial<ServerLimits> {
  /** Address to bind (default 127.0.0.1): an IP literal or a name (`--host`). */
  hostname?: string;
  /** Event loop threads (`--threads`; default: the server's, physical cores). */
  threads?: number;
  /** The hotpath-server executable (default: env HOTPATH_SERVER_BINARY, else a checkout's build/hotpath-server, else built from the package's sources on first use and cached). */
  binary?: string;
  /**
   * Where function handlers run: in this process (the default), or in a
   * child process that imports `module` (the same app) and is started
   * again whenever it exits. Ignored when the app has no handler route.
   */
  fallback?: FallbackProcessOptions;
  /** `--fallback-timeout-ms`: a handler's answer later than this is a 504 (default 30,000). */
  fallbackTimeoutMs?: number;
  /** `--fallback-max-inflight`: requests waiting on handlers, whole server, beyond which 503 (default 1024). */
  fallbackMaxInflight?: number;
  /** `--fallback-max-response-bytes`: a handler's answer larger than this is a 502 (default 16 MiB). */
  fallbackMaxResponseBytes?: number;
}

export interface RunningCServer {
  /** The port listened on (the chosen one when listen was given 0). */
  readonly port: number;
  /** The server process. */
  readonly pid: number;
  /** The fallback child's pid, with `fallback: { module }` (undefined otherwise, and while it is being started again). */
  readonly fallbackPid: number | undefined;
  /** How many times the fallback child was started again after it exited. */
  readonly fallbackRestarts: number;
  /** SIGTERM (in-flight requests are answered, handler routes too), SIGKILL after 10 s; then the fallback closes; removes the temporary table. */
  stop(): Promise<void>;
}

// The server needs at most 10 s to drain on SIGTERM (native/README.md).
const STOP_GRACE_MS = 10_000;
// From spawn to "listening on" plus a successful connect. Binding is quick;
// this only bounds a server that hangs.
const START_TIMEOUT_MS = 30_000;

type CRoute = ReplyRoute | { method: RouteMethod; path: string; handler: Handler };

export class CServer extends RouteRecorder<Reply | Handler> {
  readonly #routes: CRoute[] = [];
  readonly #middleware: Directive[] = [];
  #handlers = 0;

  /**
   * @internal The app whose handlers answer this server's handler routes
   * (listen, adapters/fallback/child.ts): every route again, in order, so
   * that route i of the table is route i there (the directives are the
   * server's, so none are added).
   */
  static handlerApp(server: CServer): HotpathServer {
    const app = new HotpathServer();
    for (const route of server.#routes) RouteRecorder.record(app, route.method, route.path, "handler" in route ? route.handler : route.reply);
    return app;
  }

  /**
   * Route-table directives for every request (MIDDLEWARE lines), in order:
   * cors(), header() and requireHeader() from @hotpath/server, which
   * hotpath-server applies itself (README, "Directives").
   */
  use(fn: Middleware): this {
    const info = typeof fn === "function" ? directiveInfo(fn) : null;
    if (info === null) {
      throw new TypeError("use(): the native server runs route-table directives only: cors(), header() or requireHeader() (JavaScript middleware needs a JavaScript host)");
    }
    if (info.directive === null) throw new TypeError(`use(${info.name}): ${info.problem} (a route table cannot hold it)`);
    const d = info.directive;
    if (d.kind === "cors" && this.#middleware.some((other) => other.kind === "cors")) throw new TypeError("use(cors()): a route table holds one CORS line");
    middlewareLine(d);  // every check now, so the error points at this call
    this.#middleware.push(d);
    return this;
  }

  /** The route table this server will be started with. */
  routeTable(): string {
    let text = "";
    for (const route of this.#routes) text += "handler" in route ? proxyLine(route.method, route.path) : routeTableText([route]);
    return this.#middleware.map(middlewareLine).join("") + text;
  }

  /**
   * Writes the route table to a temporary file, starts hotpath-server on it
   * and resolves once the server has said it is listening and accepts a TCP
   * connection. Rejects with the server's own message when it exits first
   * (port in use, bad table, bad flag).
   */
  async listen(port: number, options: CServerListenOptions = {}): Promise<RunningCServer> {
    const text = this.routeTable();
    const lines = [...this.#middleware.map((d) => `MIDDLEWARE ${d.kind.toUpperCase()}`), ...this.#routes.map((r) => `${r.method} ${r.path}`)];
    return listenOnTable(text, port, options, lines, this.#handlers > 0 ? fallbackAnswer(CServer.handlerApp(this)) : null);
  }

  protected addRoute(method: RouteMethod, path: string, target: Reply | Handler): void {
    if (typeof target === "function") {
      proxyLine(method, path);  // every check now, so the error points at this call
      this.#routes.push({ method, path, handler: target });
      this.#handlers++;
      return;
    }
    if (!isReply(target)) {
      throw new TypeError(`route ${method} ${JSON.stringify(path)}: expected a handler function or a reply made by text(), json(), html(), template() or jsonTemplate()`);
    }
    toTableLine(method, path, target);  // every check now, so the error points at this call
    this.#routes.push({ method, path, reply: target });
  }
}

/**
 * @internal Starts hotpath-server on a route table's text (CServer.listen,
 * Hotpath({ adapter: "c" }).listen). `lines[i]` names line i + 1 in errors.
 * `answer`: the app's handlers, when the table has handler routes (PROXY
 * lines): served by a fallback on a Unix socket beside the table.
 */
export async function listenOnTable(text: string, port: number, options: CServerListenOptions, lines: readonly string[], answer: FallbackAnswer | null = null): Promise<RunningCServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  const hostname = options.hostname ?? "127.0.0.1";
  const extra = flags(options);  // before anything is created, so a bad option leaves nothing behind
  const fromEnv = process.env["HOTPATH_SERVER_BINARY"];
  const binary = options.binary ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : await defaultBinary());
  await checkBinary(binary);

  const dir = await mkdtemp(join(tmpdir(), "hotpath-c-"));
  const table = join(dir, "routes.tsv");
  try {
    await writeFile(table, text, { mode: 0o600 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const args = ["--config", table, "--port", String(port), "--host", hostname, ...extra];
  let fallback: StartedFallback | null = null;
  if (answer !== null) {
    // Started first, so that the first requests find it.
    const socket = join(dir, "fallback.sock");
    try {
      fallback = options.fallback === undefined ? await fallbackInProcess(answer, socket) : await fallbackProcess(options.fallback, socket, table);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    args.push("--fallback", `unix:${socket}`);
  }
  return start(binary, args, { port, hostname, dir, table, lines, fallback });
}

function flags(options: CServerListenOptions): string[] {
  const out: string[] = [];
  const positive = (flag: string, value: number | undefined) => {
    if (value === undefined) return;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${flag} must be a positive integer, got ${value}`);
    out.push(flag, String(value));
  };
  positive("--threads", options.threads);
  positive("--fallback-timeout-ms", options.fallbackTimeoutMs);
  positive("--fallback-max-inflight", options.fallbackMaxInflight);
  positive("--fallback-max-response-bytes", options.fallbackMaxResponseBytes);
  // Checked here with the ranges the server takes, so a bad value is an
  // error before any process starts; only the limits given are passed on.
  const limits = limitsOf(options);
  for (const name of givenLimits(options)) out.push(LIMIT_FLAGS[name], String(limits[name]));
  return out;
}

interface StartContext {
  port: number;
  hostname: string;
  dir: string;
  table: string;
  /** What each line of the table is, for errors. */
  lines: readonly string[];
  /** The fallback of the handler routes, already listening (null: none). */
  fallback: StartedFallback | null;
}

async function start(binary: string, args: string[], context: StartContext): Promise<RunningCServer> {
  // The temporary table goes with the process (also when this process exits first).
  const server = HotpathProcess.spawn({ binary, args, cleanup: () => rmSync(context.dir, { recursive: true, force: true }) });
  const fallback = context.fallback;
  const stop = async (): Promise<void> => {
    // The server first: it drains, handler routes included, through the fallback.
    await server.stop(STOP_GRACE_MS);
    await fallback?.close();
  };
  // Named in every start error: the server's own message may not say it.
  const host = context.hostname.includes(":") && !context.hostname.startsWith("[") ? `[${context.hostname}]` : context.hostname;
  const where = `${host}:${context.port}`;
  try {
    // "listening on" comes once every listener is bound; the connect proves
    // that the address handed out really accepts.
    const started = await server.waitForListening({
      timeoutMs: START_TIMEOUT_MS,
      connectHost: connectHost(context.hostname),
      connectPort: context.port !== 0 ? context.port : undefined,
    });
    // From now on the server's messages (a failed SIGHUP reload, say) go to
    // our stderr, and its stdout is drained so a full pipe never blocks it.
    server.forwardOutput();
    return {
      port: context.port !== 0 ? context.port : started.port,
      pid: server.pid!,
      get fallbackPid() {
        return fallback?.pid;
      },
      get fallbackRestarts() {
        return fallback?.restarts ?? 0;
      },
      stop,
    };
  } catch (error) {
    await stop();
    if (!(error instanceof LaunchError)) throw error;
    const stdout = server.stdout();
    const stderr = server.stderr();
    if (error.reason === "spawn") throw new Error(`could not run ${binary}: ${server.spawnError?.message ?? error.message}`);
    if (error.reason === "timeout") {
      throw new Error(`hotpath-server on ${where} did not start listening within ${START_TIMEOUT_MS / 1000} s${detail(stderr + stdout)}`);
    }
    const exit = error.exit!;
    const status = exit.code !== null ? `status ${exit.code}` : `signal ${exit.signal}`;
    throw new Error(`hotpath-server on ${where} exited (${status}) before listening${detail(explain(stderr.trim() || stdout.trim(), context))}`);
  }
}

// A bad table is reported as FILE:LINE: reason, FILE being our temporary
// file; line N is named as the user made it ("GET /a/:y").
function explain(message: string, context: StartContext): string {
  const line = new RegExp(`${escapeRegExp(context.table)}:(\\d+):`).exec(message);
  const what = line === null ? undefined : context.lines[Number(line[1]) - 1];
  return what === undefined ? message : `${message} (line ${line![1]} is ${what})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function detail(output: string): string {
  const trimmed = output.trim();
  return trimmed === "" ? "" : `: ${trimmed}`;
}

// A wildcard address accepts on loopback; connect there.
function connectHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::" || hostname === "[::]") return "::1";
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

// ---- the executable ---------------------------------------------------------

/**
 * A repository checkout's build/hotpath-server, else the package's sources
 * built on first use with the system compiler and cached (native-build.ts).
 */
function defaultBinary(): Promise<string> {
  return hotpathServerBinary();
}

async function checkBinary(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new Error(`hotpath-server not found at ${binary} (options.binary or HOTPATH_SERVER_BINARY): unset them to build it from the package's sources`);
    }
    throw new Error(`cannot run hotpath-server at ${binary} (${code ?? String(error)})`);
  }
}
