/**
 * Commands run as a user runs them, for the suites of tests/package and
 * tests/commands: to completion (run), or as servers polled until they
 * answer (serve), each in its own process group so that stopping it stops
 * everything it started (npx, wrangler, workerd, bun run's children).
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** wrangler and workerd kept offline (README, "Machine"). */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

function environment(env: RunOptions["env"]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV };
  for (const [name, value] of Object.entries(env ?? {})) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

export function run(command: string, args: string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: environment(options.env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d));
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      kill(child, "SIGKILL");
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
    }, options.timeoutMs ?? 180_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Served {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /**
   * SIGTERM to the group (`group: false`: to the process alone, which
   * passes it on: bun run), SIGKILL to the group after 10 s; resolves with
   * the exit code (null after a signal) once every process of the group has
   * closed its output.
   */
  stop(options?: { group?: boolean }): Promise<number | null>;
}

export interface ServeOptions extends RunOptions {
  /** Polled until it answers 200 with this body. */
  url: string;
  body: string;
}

export async function serve(command: string, args: string[], options: ServeOptions): Promise<Served> {
  const child = spawn(command, args, { cwd: options.cwd, env: environment(options.env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // "close": the pipes are closed by every process that holds them, what it
  // started included (bun run's script), so the output is all there.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const served: Served = {
    child,
    output: () => output,
    stop: async (options = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        if (options.group === false) child.kill("SIGTERM");
        else kill(child, "SIGTERM");
      }
      const timer = setTimeout(() => kill(child, "SIGKILL"), 10_000);
      const code = await exited;
      await closed;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = "";
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${command} ${args.join(" ")} exited (${child.exitCode ?? child.signalCode}) before serving:\n${output}`);
    }
    try {
      const response = await fetch(options.url);
      const body = await response.text();
      if (response.status === 200 && body === options.body) return served;
      last = `${response.status} ${JSON.stringify(body.slice(0, 200))}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) {
      await served.stop();
      throw new Error(`${command} ${args.join(" ")} did not answer ${options.url} with ${JSON.stringify(options.body)} (last: ${last}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
