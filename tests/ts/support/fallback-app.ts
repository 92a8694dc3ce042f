// The fallback of the native suites (tests/fallback/app.mjs) as a child
// process: serveFallback() on a Unix socket and a TCP port, on Node (from
// dist/, which `make test-ts` builds before the suites) or on Bun (from the
// TypeScript source). Every process started here is killed by
// killAllFallbacks() (call it in afterAll), and at exit in any case.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parseTable } from "../../../adapters/routing/table.js";
import { repoRoot } from "../native/server.js";

export type FallbackRuntime = "node" | "bun";

const appPath = `${repoRoot}tests/fallback/app.mjs`;
const distModule = `${repoRoot}dist/adapters/fallback/serve.js`;
const sources = ["adapters/fallback/serve.ts", "adapters/fallback/frames.ts"].map((f) => `${repoRoot}${f}`);

/** Why the Node fallback cannot run from dist/ (missing or older than its sources), or null. */
export function distProblem(): string | null {
  if (!existsSync(distModule)) return `${distModule} is missing: run \`npx tsc -p tsconfig.build.json\` (make test-ts does)`;
  const built = statSync(distModule).mtimeMs;
  const newer = sources.filter((f) => statSync(f).mtimeMs > built);
  return newer.length ? `dist/ is older than ${newer.join(", ")}: run \`npx tsc -p tsconfig.build.json\`` : null;
}

/** Route index -> pattern of every route of a table (what the app chooses its handler by). */
export function patternsOf(table: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const entry of parseTable(table).entries) out[entry.value.index] = entry.value.path;
  return out;
}

const live = new Set<FallbackApp>();
const dirs: string[] = [];
process.once("exit", () => {
  for (const app of live) app.child.kill("SIGKILL");
});

export class FallbackApp {
  #output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly socketPath: string,
    readonly runtime: FallbackRuntime,
  ) {
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => (this.#output += d));
    child.stderr!.on("data", (d: string) => (this.#output += d));
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  port = 0;

  /** `--fallback` for the server: this app's Unix socket. */
  get flag(): string {
    return `unix:${this.socketPath}`;
  }

  output(): string {
    return this.#output;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the app for a table's routes (socketPath: reuse a path, as a
   * restarted fallback does; vectorHandlerOnly: the vectors' handler for
   * every route). Resolves once it listens on both addresses.
   */
  static async start(
    table: string,
    options: { runtime?: FallbackRuntime; socketPath?: string; vectorHandlerOnly?: boolean } = {},
  ): Promise<FallbackApp> {
    const runtime = options.runtime ?? "node";
    if (runtime === "node") {
      const problem = distProblem();
      if (problem) throw new Error(problem);
    }
    let socketPath = options.socketPath;
    if (socketPath === undefined) {
      const dir = mkdtempSync(join(tmpdir(), "hotpath-fallback-"));
      dirs.push(dir);
      socketPath = join(dir, "app.sock");
    }
    const env: NodeJS.ProcessEnv = { ...process.env, FALLBACK_PATTERNS: JSON.stringify(patternsOf(table)) };
    if (options.vectorHandlerOnly) env["FALLBACK_HANDLERS"] = "vector";
    else delete env["FALLBACK_HANDLERS"];
    let command: string;
    if (runtime === "bun") {
      command = `${repoRoot}node_modules/.bin/bun`;
      env["FALLBACK_MODULE"] = `${repoRoot}adapters/fallback/serve.ts`;
    } else {
      command = process.execPath.includes("bun") ? "node" : process.execPath;
      delete env["FALLBACK_MODULE"];
    }
    const child = spawn(command, [appPath, socketPath], { env, stdio: ["ignore", "pipe", "pipe"] });
    const app = new FallbackApp(child, socketPath, runtime);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fallback app did not start in 20 s:\n${app.output()}`)), 20_000);
      const check = () => {
        const line = app.output().split("\n").find((l) => l.startsWith("{"));
        if (line === undefined) return;
        clearTimeout(timer);
        child.stdout!.off("data", check);
        app.port = (JSON.parse(line) as { port: number }).port;
        resolve();
      };
      child.stdout!.on("data", check);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the fallback app exited (${code ?? signal}) before it listened:\n${app.output()}`));
      });
      child.once("error", reject);
    });
    return app;
  }

  /** SIGKILL (a crash): nothing is answered, the socket file stays. */
  async kill(): Promise<void> {
    if (this.alive()) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM: answers what it received, then exits 0. */
  async stop(): Promise<void> {
    if (!this.alive()) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    const { code } = await this.exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`the fallback app exited ${code} on SIGTERM:\n${this.output()}`);
  }
}

/** Kills every app still running and removes their folders. */
export async function killAllFallbacks(): Promise<void> {
  await Promise.all([...live].map((app) => app.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The table with its PROXY_UNIX and PROXY_TCP addresses pointed at the app
 * (the vectors name /tmp/hotpath-app.sock and 127.0.0.1:9000); its routes,
 * their order and their patterns stay as they are.
 */
export function pointedAt(table: string, app: FallbackApp): string {
  return table
    .split("\n")
    .map((line) => {
      const f = line.split("\t");
      if (f[0] === "PROXY_UNIX" && f.length === 4) return [...f.slice(0, 3), app.socketPath].join("\t");
      if (f[0] === "PROXY_TCP" && (f.length === 4 || f.length === 5)) return [...f.slice(0, 3), `127.0.0.1:${app.port}`].join("\t");
      return line;
    })
    .join("\n");
}
