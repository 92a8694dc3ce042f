/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only
// (no Worker entry imports it), so it asks for them itself.
/**
 * One hotpath-server process: started, watched and stopped. The one
 * launcher of the native server, used by CServer (adapters/c.ts), the
 * socket tests (tests/ts/native) and the benchmark suite
 * (bench/suite/targets.mjs, from dist/).
 *
 * - spawn: the binary with its arguments (optionally under a wrapper such as
 *   `taskset -c 0-3`, in its own process group), its output collected.
 * - waitForListening: resolves with the start-up line ("hotpath-server
 *   listening on URL[, URL] (N threads, M routes)") once it is complete,
 *   optionally after a TCP connect succeeds; rejects with a LaunchError when
 *   the process exits first or the time runs out.
 * - stop: SIGTERM (the server drains: native/README.md), SIGKILL after a
 *   grace period; resolves once the process is gone.
 * - No orphans: every process still running when this process exits is
 *   killed, and its cleanup (a temporary table, say) run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  /** The hotpath-server executable (or a script that runs it, e.g. under valgrind). */
  binary: string;
  /** Its arguments. */
  args: readonly string[];
  /** A command to run it under: `[wrapper..., binary, args...]` is what runs. */
  wrapper?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  cwd?: string | undefined;
  /** Its own process group: stop() and kill() signal the whole group. */
  detached?: boolean | undefined;
  /** Run once, synchronously, when the process is gone (or when this process exits first). */
  cleanup?: (() => void) | undefined;
}

export interface StartLine {
  /** The line, without its newline. */
  line: string;
  /** "http://127.0.0.1:3000", one per address bound. */
  urls: string[];
  /** The port of the first URL. */
  port: number;
  threads: number;
  routes: number;
}

export interface ListenOptions {
  /** Default 30 s. */
  timeoutMs?: number | undefined;
  /** After the line, retry a TCP connect to this host and the port until one succeeds. */
  connectHost?: string | undefined;
  /** The port to connect to (default: the line's). */
  connectPort?: number | undefined;
}

/** Why waitForListening gave up. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly reason: "exited" | "timeout" | "spawn",
    readonly exit: ExitInfo | null,
    readonly output: string,
  ) {
    super(message);
    this.name = "LaunchError";
  }
}

const START_LINE = /^hotpath-server listening on (.+) \((\d+) threads?, (\d+) routes?\)$/m;

/** Parses the start-up line out of the server's stdout, or null while it is not complete. */
export function parseStartLine(stdout: string): StartLine | null {
  const match = START_LINE.exec(stdout);
  if (match === null || stdout.indexOf("\n", match.index) === -1) return null;
  const urls = match[1]!.split(", ");
  const port = /:(\d+)\/?$/.exec(urls[0]!);
  if (port === null) return null;
  return { line: match[0], urls, port: Number(port[1]), threads: Number(match[2]), routes: Number(match[3]) };
}

const live = new Set<HotpathProcess>();
let exitHook = false;

function watchExit(): void {
  if (exitHook) return;
  exitHook = true;
  // "exit" handlers must be synchronous: SIGKILL, and clean up.
  process.once("exit", () => {
    for (const p of live) p.killNow();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class HotpathProcess {
  readonly child: ChildProcess;
  /** Resolves once the process is gone and its cleanup ran; never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Set when the executable could not be run at all. */
  spawnError: Error | null = null;
  readonly #detached: boolean;
  #cleanup: (() => void) | undefined;
  #stdout = "";
  #stderr = "";
  #collecting = true;
  #exit: ExitInfo | null = null;

  /** Starts the process (throws what spawn() throws, after the cleanup). */
  static spawn(options: LaunchOptions): HotpathProcess {
    return new HotpathProcess(options);
  }

  private constructor(options: LaunchOptions) {
    const argv = [...(options.wrapper ?? []), options.binary, ...options.args];
    this.#detached = options.detached === true;
    this.#cleanup = options.cleanup;
    try {
      this.child = spawn(argv[0]!, argv.slice(1), {
        stdio: ["ignore", "pipe", "pipe"],
        env: options.env ?? process.env,
        cwd: options.cwd,
        detached: this.#detached,
      });
    } catch (error) {
      // Arguments Node refuses outright (a NUL byte, say).
      this.#runCleanup();
      throw error;
    }
    const child = this.child;
    live.add(this);
    watchExit();
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      if (this.#collecting) this.#stdout += chunk;
    });
    child.stderr!.on("data", (chunk: string) => {
      if (this.#collecting) this.#stderr += chunk;
    });
    let gone: () => void = () => {};
    const closed = new Promise<void>((resolve) => (gone = resolve));
    // "close": exited and its pipes drained. A process that never started
    // emits "error" and no "close".
    child.once("close", () => gone());
    child.on("error", (error) => {
      this.spawnError ??= error;
      if (child.pid === undefined) gone();
    });
    this.exited = closed.then(() => {
      live.delete(this);
      this.#runCleanup();
      this.#exit = { code: child.exitCode, signal: child.signalCode };
      return this.#exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process wrote to stdout so far (until forwardOutput()). */
  stdout(): string {
    return this.#stdout;
  }

  /** Everything the process wrote to stderr so far (until forwardOutput()). */
  stderr(): string {
    return this.#stderr;
  }

  /** True while the process runs. */
  alive(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal (to the process group when detached); false when it is gone. */
  kill(signal: NodeJS.Signals): boolean {
    if (!this.alive()) return false;
    try {
      if (this.#detached) process.kill(-this.child.pid!, signal);
      else this.child.kill(signal);
      return true;
    } catch {
      return false;  // exited meanwhile
    }
  }

  /**
   * Resolves with the start-up line once the server printed it (and, with
   * connectHost, once a TCP connect succeeded); rejects with a LaunchError
   * when it exits first or timeoutMs passes. Stops nothing: on a rejection
   * the caller decides (stop(), or kill()).
   */
  async waitForListening(options: ListenOptions = {}): Promise<StartLine> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const output = () => `${this.#stderr}${this.#stdout}`;
    let started: StartLine | null = null;
    for (;;) {
      if (this.spawnError !== null) {
        throw new LaunchError(`could not run ${this.child.spawnfile}: ${this.spawnError.message}`, "spawn", null, output());
      }
      started ??= parseStartLine(this.#stdout);
      if (started !== null && options.connectHost === undefined) return started;
      if (started !== null && (await this.#connects(options.connectHost!, options.connectPort ?? started.port))) {
        return started;
      }
      if (!this.alive()) {
        const exit = await this.exited;
        if (this.spawnError !== null) continue;  // reported above
        const status = exit.code !== null ? `status ${exit.code}` : `signal ${exit.signal}`;
        throw new LaunchError(`exited (${status}) before listening`, "exited", exit, output());
      }
      if (Date.now() > deadline) throw new LaunchError("printed no start-up line in time", "timeout", null, output());
      await Promise.race([sleep(started === null ? 10 : 50), this.exited]);
    }
  }

  async #connects(host: string, port: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
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
  }

  /**
   * From now on the server's stderr goes to ours, and its stdout is drained
   * (a full pipe would block it). For servers that live long: their
   * messages (a failed reload, say) reach the user.
   */
  forwardOutput(): void {
    this.#collecting = false;
    if (this.#stderr !== "") process.stderr.write(this.#stderr);
    this.child.stderr!.on("data", (chunk: string) => process.stderr.write(chunk));
    this.child.stdout!.resume();
  }

  /**
   * SIGTERM, then SIGKILL after graceMs (default 10 s, the server's own
   * drain limit). Resolves once the process is gone, with how it ended and
   * whether it had to be killed.
   */
  async stop(graceMs = 10_000): Promise<ExitInfo & { forced: boolean }> {
    let forced = false;
    if (this.kill("SIGTERM")) {
      const timer = setTimeout(() => {
        forced = this.kill("SIGKILL");
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return { ...(await this.exited), forced };
  }

  /** SIGKILL now and run the cleanup, synchronously (at exit). */
  killNow(): void {
    this.kill("SIGKILL");
    this.#runCleanup();
  }

  #runCleanup(): void {
    const cleanup = this.#cleanup;
    this.#cleanup = undefined;
    cleanup?.();
  }
}

/** Every process started here that is still running. */
export function liveProcesses(): HotpathProcess[] {
  return [...live];
}

/** A TCP port on `host` (default 127.0.0.1) that was free a moment ago: racy, retry on "in use". */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
