// HotpathServer on Bun.serve in a real Bun child process
// (tests/bun/serve-table.ts), for the suites that run under Vitest on Node.
// Every child started here is killed by killBunServers() (call it in
// afterAll), and its table file removed.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { root } from "./node-files.js";

export const bunBinary = `${root}node_modules/.bin/bun`;

export interface BunServer {
  port: number;
  child: ChildProcess;
  /** Everything the script printed on stdout so far. */
  output(): string;
  /** SIGTERM (the script stops the server: in-flight requests finish), then the exit. */
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];

/**
 * Serves `table` with `options` (ListenOptions as JSON) on 127.0.0.1.
 * `bunFlags` go to bun itself (--max-http-header-size=65536, ...).
 * `mode`: how tests/bun/serve-table.ts builds the app from the table (its header says).
 */
export function startBunServer(table: string, options: object = {}, bunFlags: string[] = [], mode: "replies" | "handlers" | "directives" | "directive-app" = "replies"): Promise<BunServer> {
  const dir = mkdtempSync(join(tmpdir(), "hotpath-bun-"));
  dirs.push(dir);
  const file = join(dir, "routes.tsv");
  writeFileSync(file, table);
  return startBunScript([...bunFlags, `${root}tests/bun/serve-table.ts`, file, JSON.stringify(options), mode]);
}

/** Runs `bun ARGS` (a script of tests/bun/ that prints "listening PORT") and resolves once it listens. */
export function startBunScript(args: string[]): Promise<BunServer> {
  const child = spawn(bunBinary, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => children.delete(child));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`bun did not start:\n${output}`)), 20_000);
    child.stdout!.on("data", (d) => {
      output += d;
      const m = /listening (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({
          port: Number(m[1]),
          child,
          output: () => output,
          stop: async () => {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    });
    child.stderr!.on("data", (d) => (output += d));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`bun exited ${code}:\n${output}`));
    });
  });
}

/** SIGKILLs every Bun child still running and removes their tables. */
export function killBunServers(): void {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
