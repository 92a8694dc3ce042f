/**
 * `hotpath serve ROUTES.tsv [hotpath-server flags]`: the native server on a
 * table, in the foreground. SIGINT, SIGTERM and SIGHUP (reload the table)
 * are passed on; the exit status is the server's.
 */
import { spawn } from "node:child_process";

import { hotpathServerBinary } from "../adapters/native-build.js";
import { Failure, UsageError } from "./errors.js";
import { readPackage } from "./package.js";
import { readTableFile } from "./read-table.js";
import { checkTable } from "./table.js";

export async function serve(args: string[]): Promise<number> {
  const serverHelp = args.includes("--help-server");
  const table = args[0];
  if (!serverHelp && (table === undefined || table.startsWith("-"))) throw new UsageError("serve needs a ROUTES.tsv first");
  if (!serverHelp && args.includes("--config")) throw new UsageError("serve takes the table as its first argument, not --config");
  // The table's own errors, before a first-use build that would take a while.
  if (!serverHelp) checkTable(new WebAssembly.Module((await readPackage()).routerWasm), table!, await readTableFile(table!));
  const fromEnv = process.env["HOTPATH_SERVER_BINARY"];
  const binary = fromEnv ? fromEnv : await hotpathServerBinary();
  const argv = serverHelp ? ["--help"] : ["--config", table!, ...args.slice(1)];
  const child = spawn(binary, argv, { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => reject(new Failure(`cannot run ${binary}: ${error.message}`)));
    child.once("exit", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1));
    });
  });
}
