// Starting and stopping the real build/hotpath-server for the native suites,
// on 127.0.0.1, through the one launcher of the server
// (adapters/hotpath-process.ts). Every process started here is killed by
// killAllServers() (call it in afterAll), and at exit in any case.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort, HotpathProcess, LaunchError, liveProcesses, type ExitInfo } from "../../../adapters/hotpath-process.js";
import { LOOPBACK, sleep } from "../support/raw-client.js";

export type { ExitInfo } from "../../../adapters/hotpath-process.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
// HOTPATH_SERVER_BINARY runs the suites against another build (make
// test-asan uses the sanitizer build, make test-valgrind a valgrind
// wrapper), as CServer does.
export const serverPath = process.env["HOTPATH_SERVER_BINARY"] ?? `${repoRoot}build/hotpath-server`;
export const serverBuilt = existsSync(serverPath);

const tempDirs: string[] = [];

/** Writes `text` to a fresh temp file (a route table) and returns its path. */
export function writeTempFile(text: string | Uint8Array, name = "routes.tsv"): string {
  const dir = mkdtempSync(join(tmpdir(), "hotpath-native-"));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** SIGKILLs every server still running, and removes the temp files. */
export async function killAllServers(): Promise<void> {
  const running = liveProcesses();
  for (const p of running) p.kill("SIGKILL");
  await Promise.race([Promise.all(running.map((p) => p.exited)), sleep(5_000)]);
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface SpawnedServer {
  process: HotpathProcess;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<ExitInfo>;
}

/** Spawns the server with exactly these arguments (killAllServers() ends it). */
export function spawnServer(args: string[], env: NodeJS.ProcessEnv = process.env): SpawnedServer {
  const p = HotpathProcess.spawn({ binary: serverPath, args, env });
  const stderr = () => (p.spawnError ? `${p.stderr()}spawn error: ${p.spawnError.message}\n` : p.stderr());
  return { process: p, child: p.child, stdout: () => p.stdout(), stderr, exited: p.exited };
}

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
  /** Serve this route file as it is (the table argument is then not written anywhere). */
  configPath?: string | undefined;
}

export interface NativeServer {
  port: number;
  pid: number;
  process: HotpathProcess;
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
  /** Sends a signal to the server. */
  signal(signal: NodeJS.Signals): void;
  /** Rewrites the route table file (for SIGHUP). */
  writeTable(text: string): void;
  /** SIGTERM, wait for the exit (at most timeoutMs, default 15 s), throw unless it exited with status 0. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 serving `table` (written to a temp file)
 * and resolves once it printed its "listening on" line.
 */
export async function startServer(table: string, options: ServerOptions = {}): Promise<NativeServer> {
  const configPath = options.configPath ?? writeTempFile(table);
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
  const p = spawned.process;
  let line: string;
  let actualPort: number;
  try {
    const started = await p.waitForListening({ timeoutMs: options.startTimeoutMs ?? 10_000 });
    line = started.line;
    actualPort = started.port;
  } catch (error) {
    if (!(error instanceof LaunchError)) throw error;
    p.kill("SIGKILL");
    const output = `${spawned.stdout()}${spawned.stderr()}`;
    if (error.reason === "timeout") throw new Error(`hotpath-server ${args.join(" ")} printed no "listening on" line in time:\n${output}`);
    const exit = error.exit;
    throw new Error(`hotpath-server ${args.join(" ")} exited (${exit?.code ?? exit?.signal ?? "spawn error"}) before listening:\n${output}`);
  }
  if (!line.startsWith(`hotpath-server listening on http://${LOOPBACK}:`)) {
    p.kill("SIGKILL");
    throw new Error(`start-up line does not name http://127.0.0.1:PORT: ${JSON.stringify(line)}`);
  }
  if (port !== 0 && actualPort !== port) {
    p.kill("SIGKILL");
    throw new Error(`asked for port ${port}, start-up line says ${actualPort}`);
  }
  return {
    port: actualPort,
    pid: p.pid!,
    process: p,
    child: p.child,
    configPath,
    startLine: line,
    stdout: spawned.stdout,
    stderr: spawned.stderr,
    exited: p.exited,
    alive: () => p.alive(),
    signal: (signal) => void p.kill(signal),
    writeTable: (text: string) => writeFileSync(configPath, text),
    stop: async (timeoutMs = 15_000) => {
      const result = await p.stop(timeoutMs);
      if (result.forced) {
        throw new Error(`hotpath-server (pid ${p.pid}) did not exit within ${timeoutMs} ms of SIGTERM\nstderr:\n${spawned.stderr()}`);
      }
      if (result.code !== 0) {
        throw new Error(`hotpath-server (pid ${p.pid}) exited with ${result.code ?? result.signal}, expected 0\nstderr:\n${spawned.stderr()}`);
      }
    },
  };
}

export interface RunResult extends ExitInfo {
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the server with exactly these arguments until it exits (killed after timeoutMs). */
export async function runServerToExit(args: string[], timeoutMs = 10_000, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const spawned = spawnServer(args, env);
  const result = await Promise.race([spawned.exited, sleep(timeoutMs).then(() => null)]);
  if (result === null) {
    spawned.process.kill("SIGKILL");
    const killed = await spawned.exited;
    return { ...killed, stdout: spawned.stdout(), stderr: spawned.stderr(), timedOut: true };
  }
  return { ...result, stdout: spawned.stdout(), stderr: spawned.stderr(), timedOut: false };
}
