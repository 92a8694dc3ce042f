#!/usr/bin/env node
/**
 * The `hotpath` command (the package's bin). Exit status: 0 done, 1 a bad
 * table or a failure (FILE:LINE: reason, or hotpath: reason, on stderr),
 * 2 a usage error.
 */
import { parseArgs } from "node:util";

import { NativeBuildError } from "../adapters/native-build.js";
import { WasmBakeError } from "./bake.js";
import { Failure, UsageError } from "./errors.js";
import { initWorker } from "./init.js";
import { readPackage } from "./package.js";
import { serve } from "./serve.js";
import { readTableFile } from "./read-table.js";
import { TableFileError, checkTable } from "./table.js";
import { wasm } from "./wasm.js";

const HELP = `hotpath: HTTP routes from one route table, on every path

usage:
  hotpath check ROUTES.tsv...
      Checks route tables with the parser that serves them; prints
      FILE: N routes, or FILE:LINE: reason (exit status 1).
  hotpath wasm ROUTES.tsv -o OUT.wasm [--base router.wasm]
      Bakes the table into a copy of the package's router.wasm (or --base):
      no compiler needed. The module serves it from its first call.
  hotpath serve ROUTES.tsv [--port N] [--host H] [--threads N] [...]
      Serves the table with the native server hotpath-server (Linux), built
      from the package's sources with the system C++ compiler on first use
      and cached (HOTPATH_SERVER_BINARY: use that binary). Other flags go to
      hotpath-server (\`hotpath serve --help-server\` lists them).
  hotpath init worker [DIR] [--baked]
      Writes a Cloudflare Worker project serving routes.tsv (default DIR: .):
      npm install && npx wrangler dev. --baked: wrangler's build step bakes
      the table into router.wasm instead of loading it at start.
  hotpath --help | --version

exit status: 0 done, 1 a bad table or a failure, 2 a usage error
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(HELP);  // `hotpath wasm --help`: one page covers every command
    return 0;
  }
  switch (command) {
    case undefined:
      process.stderr.write(HELP);  // no command: a usage error
      return 2;
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(HELP);
      return 0;
    case "-v":
    case "--version":
      process.stdout.write(`${(await readPackage()).version}\n`);
      return 0;
    case "check":
      return check(rest);
    case "wasm":
      return wasm(rest);
    case "serve":
      return serve(rest);
    case "init":
      return initWorker(rest);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function check(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError("check needs at least one ROUTES.tsv");
  const module = new WebAssembly.Module((await readPackage()).routerWasm);
  let status = 0;
  for (const file of positionals) {
    try {
      const routes = checkTable(module, file, await readTableFile(file));
      process.stdout.write(`${file}: ${routes} route${routes === 1 ? "" : "s"}\n`);
    } catch (error) {
      if (!(error instanceof TableFileError)) throw error;
      process.stderr.write(`${error.message}\n`);
      status = 1;
    }
  }
  return status;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`hotpath: ${(error as Error).message}\n(hotpath --help for usage)\n`);
      process.exitCode = 2;
    } else if (error instanceof TableFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      // Messages written for users; anything else is a bug: its stack helps.
      const known = error instanceof Failure || error instanceof NativeBuildError || error instanceof WasmBakeError;
      process.stderr.write(`hotpath: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
