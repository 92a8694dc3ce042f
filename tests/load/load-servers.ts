// The servers the load suite (load-suite.ts) runs against, behind one
// interface: hotpath-server (build/hotpath-server), and HotpathServer on
// Node and on Bun (serve-hotpath.mjs in a child process, so that its RSS,
// descriptors and SIGTERM are its own). Loopback only.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { LIMIT_FLAGS, type LimitName, type ServerLimits } from "../../adapters/server/limits.js";
import { killAllServers, repoRoot, serverBuilt, startServer } from "../ts/native/server.js";

export type LoadServerKind = "native" | "node" | "bun";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LoadServer {
  kind: LoadServerKind;
  port: number;
  pid: number;
  alive(): boolean;
  stderr(): string;
  signal(signal: NodeJS.Signals): void;
  exited: Promise<ExitInfo>;
  /** SIGTERM, then the exit (status 0 expected; throws otherwise or after 15 s). */
  stop(): Promise<void>;
}

export const LOAD_SERVER_NAMES: Readonly<Record<LoadServerKind, string>> = {
  native: "hotpath-server",
  node: "HotpathServer on Node (node:http)",
  bun: "HotpathServer on Bun (Bun.serve)",
};

const distBuilt = existsSync(`${repoRoot}dist/adapters/index.js`);

/** Why `kind` cannot run here, or null. */
export function missing(kind: LoadServerKind): string | null {
  if (kind === "native") return serverBuilt ? null : "build/hotpath-server is missing: run `make native`";
  return distBuilt ? null : "dist/ is missing: run `npx tsc -p tsconfig.build.json` (make test-load does)";
}

const children = new Set<ReturnType<typeof spawn>>();
const dirs: string[] = [];

/** SIGKILLs every server still running. */
export async function killLoadServers(): Promise<void> {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await killAllServers();
}

/** Starts `kind` on `table` with these limits (the option names; hotpath-server gets them as its flags). */
export async function startLoadServer(kind: LoadServerKind, table: string, limits: Partial<ServerLimits> = {}): Promise<LoadServer> {
  if (kind === "native") {
    const flags = Object.entries(limits).flatMap(([name, value]) => [LIMIT_FLAGS[name as LimitName], String(value)]);
    const s = await startServer(table, { flags });
    return { kind, port: s.port, pid: s.pid, alive: s.alive, stderr: s.stderr, signal: s.signal, exited: s.exited, stop: () => s.stop() };
  }
  const dir = mkdtempSync(join(tmpdir(), "hotpath-load-"));
  dirs.push(dir);
  const file = join(dir, "routes.tsv");
  writeFileSync(file, table);
  const runtime = kind === "node" ? process.execPath : `${repoRoot}node_modules/.bin/bun`;
  const child = spawn(runtime, [`${repoRoot}tests/load/serve-hotpath.mjs`, file, JSON.stringify(limits)], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<ExitInfo>((resolve) => child.once("exit", (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${kind} did not start:\n${out}${stderr}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((e) => reject(new Error(`${kind} exited (${e.code ?? e.signal}) before listening:\n${out}${stderr}`)));
  });
  return {
    kind, port, pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    signal: (signal) => void child.kill(signal),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const exit = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
      if (exit === null) {
        child.kill("SIGKILL");
        throw new Error(`${kind} (pid ${child.pid}) did not exit within 15 s of SIGTERM\n${stderr}`);
      }
      if (exit.code !== 0) throw new Error(`${kind} (pid ${child.pid}) exited with ${exit.code ?? exit.signal}, expected 0\n${stderr}`);
    },
  };
}
