/** `hotpath wasm ROUTES.tsv -o OUT.wasm [--base router.wasm]` */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";

import { bakeRoutes } from "./bake-routes.js";
import { Failure, UsageError } from "./errors.js";
import { readPackage } from "./package.js";
import { readTableFile } from "./read-table.js";

export async function wasm(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: "string", short: "o" }, base: { type: "string" }, quiet: { type: "boolean", short: "q" } },
  });
  if (positionals.length !== 1) throw new UsageError("wasm needs exactly one ROUTES.tsv");
  if (values.output === undefined || values.output === "") throw new UsageError("wasm needs -o OUT.wasm");
  const file = positionals[0]!;
  const base = values.base === undefined ? (await readPackage()).routerWasm : await readBase(values.base);
  const { wasm, routes } = bakeRoutes(base, file, await readTableFile(file));
  // Written next to its final name and renamed, so a watcher (wrangler dev) never reads half a module.
  await mkdir(dirname(values.output), { recursive: true });
  const partial = `${values.output}.${process.pid}.tmp`;
  await writeFile(partial, wasm);
  await rename(partial, values.output);
  if (values.quiet !== true) process.stdout.write(`${values.output}: ${file} baked in (${routes} route${routes === 1 ? "" : "s"}, ${wasm.length} bytes)\n`);
  return 0;
}

async function readBase(path: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Failure(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
