/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only
// (CServer's, adapters/c.ts), so it asks for them itself.
/**
 * The JavaScript side of a CServer with function handlers: hotpath-server
 * forwards their routes (PROXY lines) to a fallback over a Unix socket
 * (native/fallback-protocol.md); this starts that fallback, in one of two
 * places:
 *
 * - in this process (the default): serveFallback() with the app's handlers,
 *   which are closures of this process;
 * - in a child process (`fallback: { module }`): adapters/fallback/child.ts
 *   imports the module that defines the same app and serves its handlers.
 *   It is supervised: when it exits, it is started again (after 50 ms,
 *   doubling up to 5 s while it keeps failing at once), and meanwhile
 *   hotpath-server answers its table routes as before and the handler
 *   routes 502, then reconnects by itself.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { FallbackAnswer, RunningFallback } from "./fallback/serve.js";
import { HotpathProcess } from "./hotpath-process.js";

/** Where a CServer's handlers run (CServerListenOptions.fallback). */
export interface FallbackProcessOptions {
  /**
   * The module that defines the app (a file path or URL; a relative path is
   * taken from the working directory): its export (`export`, default
   * "default") must be the same app, a HotpathServer, Hotpath({ adapter:
   * "c" }) app or CServer, with the same routes. Checked when it starts:
   * its route table must be the one served.
   */
  module: string | URL;
  export?: string;
  /** The runtime that runs it (default: this one, process.execPath). */
  runtime?: string;
}

export interface StartedFallback {
  /** The child's pid (undefined in process, or while it restarts). */
  readonly pid: number | undefined;
  /** How many times the child was started again after it exited. */
  readonly restarts: number;
  /** Closes the fallback: what it received is answered first. */
  close(): Promise<void>;
}

// A child that does not say it is ready in this long is taken as failed.
const READY_TIMEOUT_MS = 30_000;
const RESTART_FIRST_MS = 50;
const RESTART_MAX_MS = 5_000;
// A child that ran this long before it exited is restarted at once again.
const HEALTHY_MS = 10_000;

/** serveFallback(answer) on `socket`, in this process. */
export async function fallbackInProcess(answer: FallbackAnswer, socket: string): Promise<StartedFallback> {
  const { serveFallback } = await import("./fallback/serve.js");
  const running: RunningFallback = await serveFallback(answer, { path: socket });
  return { pid: undefined, restarts: 0, close: () => running.close() };
}

/**
 * The child fallback on `socket`, supervised; resolves once it first
 * listens, rejects with its message when it cannot start (a bad module, a
 * different table).
 */
export async function fallbackProcess(options: FallbackProcessOptions, socket: string, tableFile: string): Promise<StartedFallback> {
  const moduleUrl = moduleUrlOf(options.module);
  const runtime = options.runtime ?? process.execPath;
  const entry = childEntry(runtime);
  const env = {
    ...process.env,
    FALLBACK_MODULE: moduleUrl,
    FALLBACK_EXPORT: options.export ?? "default",
    FALLBACK_TABLE: tableFile,
    FALLBACK_SOCKET: socket,
  };
  let child: HotpathProcess | null = null;
  let closing = false;
  let restarts = 0;
  let delay = RESTART_FIRST_MS;
  let timer: NodeJS.Timeout | null = null;

  const start = async (): Promise<HotpathProcess> => {
    const launched = HotpathProcess.spawn({ binary: runtime, args: [entry], env });
    await ready(launched);
    launched.forwardOutput();
    return launched;
  };
  const watch = (launched: HotpathProcess): void => {
    const since = Date.now();
    void launched.exited.then((exit) => {
      if (closing) return;
      child = null;
      if (Date.now() - since >= HEALTHY_MS) delay = RESTART_FIRST_MS;
      const how = exit.code !== null ? `status ${exit.code}` : `signal ${exit.signal}`;
      process.stderr.write(`hotpath fallback (pid ${launched.pid}) exited (${how}); starting it again in ${delay} ms\n`);
      const wait = delay;
      delay = Math.min(delay * 2, RESTART_MAX_MS);
      timer = setTimeout(() => void restart(), wait);
    });
  };
  const restart = async (): Promise<void> => {
    timer = null;
    if (closing) return;
    try {
      const launched = await start();
      if (closing) {
        await launched.stop();
        return;
      }
      restarts++;
      child = launched;
      watch(launched);
    } catch (error) {
      if (closing) return;
      process.stderr.write(`hotpath fallback: could not start it again: ${(error as Error).message}; trying again in ${delay} ms\n`);
      const wait = delay;
      delay = Math.min(delay * 2, RESTART_MAX_MS);
      timer = setTimeout(() => void restart(), wait);
    }
  };

  child = await start();
  watch(child);
  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    close: async () => {
      closing = true;
      if (timer !== null) clearTimeout(timer);
      await child?.stop();
    },
  };
}

async function ready(child: HotpathProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.stdout().includes("hotpath fallback ready\n")) return;
    if (child.spawnError !== null) throw new Error(`could not run ${child.child.spawnfile}: ${child.spawnError.message}`);
    if (!child.alive()) {
      const exit = await child.exited;
      const said = (child.stderr() + child.stdout()).trim();
      throw new Error(said !== "" ? said : `the fallback exited (${exit.code !== null ? `status ${exit.code}` : `signal ${exit.signal}`}) before it was ready`);
    }
    if (Date.now() > deadline) {
      await child.stop(1_000);
      throw new Error(`the fallback was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), child.exited]);
  }
}

// dist/adapters/fallback/child.js beside this file; from the sources (a
// checkout's tests), child.ts under Bun, which runs TypeScript, and the
// built copy under Node.
function childEntry(runtime: string): string {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return fileURLToPath(new URL("./fallback/child.js", here));
  if (/(^|\/)bun[^/]*$/.test(runtime)) return fileURLToPath(new URL("./fallback/child.ts", here));
  const built = fileURLToPath(new URL("../dist/adapters/fallback/child.js", here));
  if (!existsSync(built)) throw new Error(`the fallback process runs ${built}: build it first (npm run build)`);
  return built;
}

function moduleUrlOf(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;  // a URL already
  if (!existsSync(module)) throw new Error(`fallback.module: no file ${module}`);
  return pathToFileURL(module).href;
}
