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
 * node:os, node:path and node:url, which both provide.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants, rmSync } from "node:fs";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { isReply, type Reply } from "./reply.js";
import { RouteRecorder } from "./route-recorder.js";
import { routeTableText, toTableLine, type ReplyRoute } from "./route-table-writer.js";
import type { RouteMethod } from "./routing/methods.js";

export { text, json, html, template, jsonTemplate, type Reply } from "./reply.js";

export interface CServerListenOptions {
  /** Address to bind (default 127.0.0.1): an IP literal or a name (`--host`). */
  hostname?: string;
  /** Worker threads (`--threads`; default: the server's, physical cores). */
  threads?: number;
  /** The hotpath-server executable (default: env HOTPATH_SERVER_BINARY, else the package's build/hotpath-server). */
  binary?: string;
  /** `--max-connections` */
  maxConnections?: number;
  /** `--header-timeout-ms` */
  headerTimeoutMs?: number;
  /** `--idle-timeout-ms` */
  idleTimeoutMs?: number;
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

  /** The route table this server will be started with. */
  routeTable(): string {
    return routeTableText(this.#routes);
  }

  /**
   * Writes the route table to a temporary file, starts hotpath-server on it
   * and resolves once the server has said it is listening and accepts a TCP
   * connection. Rejects with the server's own message when it exits first
   * (port in use, bad table, bad flag).
   */
  async listen(port: number, options: CServerListenOptions = {}): Promise<RunningCServer> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
    const hostname = options.hostname ?? "127.0.0.1";
    const extra = flags(options);  // before anything is created, so a bad option leaves nothing behind
    const fromEnv = process.env["HOTPATH_SERVER_BINARY"];
    const binary = options.binary ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : await defaultBinary());
    await checkBinary(binary);

    const dir = await mkdtemp(join(tmpdir(), "hotpath-c-"));
    const table = join(dir, "routes.tsv");
    try {
      await writeFile(table, this.routeTable(), { mode: 0o600 });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const args = ["--config", table, "--port", String(port), "--host", hostname, ...extra];
    return start(binary, args, { port, hostname, dir, table, routes: [...this.#routes] });
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

function flags(options: CServerListenOptions): string[] {
  const out: string[] = [];
  const add = (flag: string, value: number | undefined) => {
    if (value === undefined) return;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${flag} must be a positive integer, got ${value}`);
    out.push(flag, String(value));
  };
  add("--threads", options.threads);
  add("--max-connections", options.maxConnections);
  add("--header-timeout-ms", options.headerTimeoutMs);
  add("--idle-timeout-ms", options.idleTimeoutMs);
  return out;
}

interface StartContext {
  port: number;
  hostname: string;
  dir: string;
  table: string;
  routes: ReplyRoute[];
}

function start(binary: string, args: string[], context: StartContext): Promise<RunningCServer> {
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    // Arguments Node refuses outright (a NUL byte in hostname, say).
    return rm(context.dir, { recursive: true, force: true }).then(() => Promise.reject(error));
  }
  track(child, context.dir);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  const collectStdout = (chunk: string) => (stdout += chunk);
  const collectStderr = (chunk: string) => (stderr += chunk);
  child.stdout!.on("data", collectStdout);
  child.stderr!.on("data", collectStderr);

  // Settles once the process is gone and its temporary table removed; never
  // rejects. A process that never started emits "error" and no "close".
  let spawnError: Error | null = null;
  let onGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => (onGone = resolve));
  const exited = gone.then(() => {
    untrack(child);
    return rm(context.dir, { recursive: true, force: true }).catch(() => {});
  });
  child.once("close", () => onGone());
  child.on("error", (error) => {
    spawnError ??= error;
    if (child.pid === undefined) onGone();
  });

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };

  // Named in every start error: the server's own message may not say it.
  const host = context.hostname.includes(":") && !context.hostname.startsWith("[") ? `[${context.hostname}]` : context.hostname;
  const where = `${host}:${context.port}`;
  return new Promise<RunningCServer>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      void stop().then(() => reject(new Error(message)));
    };
    const deadline = setTimeout(() => {
      fail(`hotpath-server on ${where} did not start listening within ${START_TIMEOUT_MS / 1000} s${detail(stderr + stdout)}`);
    }, START_TIMEOUT_MS);

    void gone.then(() => {
      if (spawnError !== null) {
        fail(`could not run ${binary}: ${spawnError.message}`);
        return;
      }
      const status = child.exitCode !== null ? `status ${child.exitCode}` : `signal ${child.signalCode}`;
      fail(`hotpath-server on ${where} exited (${status}) before listening${detail(explain(stderr.trim() || stdout.trim(), context))}`);
    });

    // "listening on" comes once every listener is bound; the connect proves
    // that the address handed out really accepts.
    const onStdout = () => {
      const line = /listening on (\S+)/.exec(stdout);
      if (line === null || settled) return;
      child.stdout!.off("data", onStdout);
      const port = context.port !== 0 ? context.port : portOf(line[1]!);
      if (port === null) {
        fail(`hotpath-server was started on port 0 but its start-up line names no port: ${stdout.trim()}`);
        return;
      }
      void waitForConnect(connectHost(context.hostname), port, child).then((ok) => {
        if (!ok || settled) return;  // it exited meanwhile: `gone` reports why
        settled = true;
        clearTimeout(deadline);
        // From now on the server's messages (a failed SIGHUP reload, say) go
        // to our stderr, and its stdout is drained so a full pipe never
        // blocks it.
        child.stdout!.off("data", collectStdout);
        child.stderr!.off("data", collectStderr);
        if (stderr !== "") process.stderr.write(stderr);
        child.stderr!.on("data", (chunk: string) => process.stderr.write(chunk));
        child.stdout!.resume();
        resolve({ port, pid: child.pid!, stop });
      });
    };
    child.stdout!.on("data", onStdout);
  });
}

// A bad table is reported as FILE:LINE: reason, FILE being our temporary
// file; line N is the N-th route added, which is what the user knows.
function explain(message: string, context: StartContext): string {
  const line = new RegExp(`${escapeRegExp(context.table)}:(\\d+):`).exec(message);
  const route = line === null ? undefined : context.routes[Number(line[1]) - 1];
  return route === undefined ? message : `${message} (line ${line![1]} is ${route.method} ${route.path})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function detail(output: string): string {
  const trimmed = output.trim();
  return trimmed === "" ? "" : `: ${trimmed}`;
}

function portOf(url: string): number | null {
  const match = /:(\d+)\/?$/.exec(url);
  return match ? Number(match[1]) : null;
}

// A wildcard address accepts on loopback; connect there.
function connectHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::" || hostname === "[::]") return "::1";
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** Retries a TCP connect until it succeeds (true) or the process exits (false). */
async function waitForConnect(host: string, port: number, child: ChildProcess): Promise<boolean> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- the executable ---------------------------------------------------------

/**
 * build/hotpath-server of this package. The module lives in adapters/ when
 * run from source and in dist/adapters/ once compiled, so the package root
 * is found by walking up to the package.json named @hotpath/server.
 */
async function defaultBinary(): Promise<string> {
  let dir = new URL(".", import.meta.url);
  if (dir.protocol !== "file:") {
    throw new Error("cannot locate build/hotpath-server from a non-file module URL: pass options.binary or set HOTPATH_SERVER_BINARY");
  }
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(new URL("package.json", dir), "utf8")) as { name?: unknown };
      if (manifest.name === "@hotpath/server") return fileURLToPath(new URL("build/hotpath-server", dir));
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = new URL("..", dir);
    if (parent.href === dir.href) {
      throw new Error("cannot find the @hotpath/server package root to locate build/hotpath-server: pass options.binary or set HOTPATH_SERVER_BINARY");
    }
    dir = parent;
  }
}

async function checkBinary(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new Error(`hotpath-server not found at ${binary}: run \`make native\` to build it (or pass options.binary / set HOTPATH_SERVER_BINARY)`);
    }
    throw new Error(`cannot run hotpath-server at ${binary} (${code ?? String(error)}): run \`make native\` to build it`);
  }
}

// ---- no orphans --------------------------------------------------------------

// A server outlives a parent that exits without stopping it. Kill what is
// still running when this process exits, and remove its table (best effort:
// nothing runs on SIGKILL; "exit" handlers must be synchronous).
const running = new Map<ChildProcess, string>();
let exitHook = false;

function track(child: ChildProcess, dir: string): void {
  running.set(child, dir);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const [c, d] of running) {
        c.kill("SIGKILL");
        rmSync(d, { recursive: true, force: true });
      }
    });
  }
}

function untrack(child: ChildProcess): void {
  running.delete(child);
}
