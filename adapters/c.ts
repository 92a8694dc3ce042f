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
 * Runs on Node >= 20 and Bun: only node:child_process, node:net, node:fs,
 * node:os, node:path and node:url, which both provide. The process itself
 * is started, watched and stopped by hotpath-process.ts.
 */
import { constants, rmSync } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hotpathServerBinary } from "./native-build.js";
import { HotpathProcess, LaunchError } from "./hotpath-process.js";
import { isReply, type Reply } from "./reply.js";
import { RouteRecorder } from "./route-recorder.js";
import { middlewareLine, routeTableText, toTableLine, type ReplyRoute } from "./route-table-writer.js";
import type { Directive } from "./routing/directives.js";
import type { RouteMethod } from "./routing/methods.js";
import { givenLimits, LIMIT_FLAGS, limitsOf, type ServerLimits } from "./server/limits.js";
import { directiveInfo } from "./server/middleware/directive.js";
import type { Middleware } from "./server/types.js";

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
}

export interface RunningCServer {
  /** The port listened on (the chosen one when listen was given 0). */
  readonly port: number;
  /** The server process. */
  readonly pid: number;
  /** SIGTERM (in-flight requests are answered), SIGKILL after 10 s; removes the temporary table. */
  stop(): Promise<void>;
}

// The server needs at most 10 s to drain on SIGTERM (native/README.md).
const STOP_GRACE_MS = 10_000;
// From spawn to "listening on" plus a successful connect. Binding is quick;
// this only bounds a server that hangs.
const START_TIMEOUT_MS = 30_000;

export class CServer extends RouteRecorder<Reply> {
  readonly #routes: ReplyRoute[] = [];
  readonly #middleware: Directive[] = [];

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
    return this.#middleware.map(middlewareLine).join("") + routeTableText(this.#routes);
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
    return listenOnTable(text, port, options, lines);
  }

  protected addRoute(method: RouteMethod, path: string, reply: Reply): void {
    if (typeof reply === "function") {
      throw new TypeError(
        `route ${method} ${JSON.stringify(path)}: function handlers are not supported by the native server yet ` +
          "(a later feature); answer with a reply helper: text(), json(), html(), template() or jsonTemplate()",
      );
    }
    if (!isReply(reply)) {
      throw new TypeError(`route ${method} ${JSON.stringify(path)}: expected a reply made by text(), json(), html(), template() or jsonTemplate()`);
    }
    toTableLine(method, path, reply);  // every check now, so the error points at this call
    this.#routes.push({ method, path, reply });
  }
}

/**
 * @internal Starts hotpath-server on a route table's text (CServer.listen,
 * Hotpath({ adapter: "c" }).listen). `lines[i]` names line i + 1 in errors.
 */
export async function listenOnTable(text: string, port: number, options: CServerListenOptions, lines: readonly string[]): Promise<RunningCServer> {
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
  return start(binary, args, { port, hostname, dir, table, lines });
}

function flags(options: CServerListenOptions): string[] {
  const out: string[] = [];
  const threads = options.threads;
  if (threads !== undefined) {
    if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`--threads must be a positive integer, got ${threads}`);
    out.push("--threads", String(threads));
  }
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
}

async function start(binary: string, args: string[], context: StartContext): Promise<RunningCServer> {
  // The temporary table goes with the process (also when this process exits first).
  const server = HotpathProcess.spawn({ binary, args, cleanup: () => rmSync(context.dir, { recursive: true, force: true }) });
  const stop = async (): Promise<void> => {
    await server.stop(STOP_GRACE_MS);
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
    return { port: context.port !== 0 ? context.port : started.port, pid: server.pid!, stop };
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
