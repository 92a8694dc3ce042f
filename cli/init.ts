/** `hotpath init worker [DIR] [--baked]` */
import { access, mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { Failure, UsageError } from "./errors.js";
import { readPackage } from "./package.js";
import { workerFiles } from "./worker-template.js";

export async function initWorker(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { baked: { type: "boolean" } } });
  const [kind, dir = ".", ...extra] = positionals;
  if (kind !== "worker") throw new UsageError(kind === undefined ? "init needs a kind: hotpath init worker [DIR]" : `unknown project kind '${kind}' (worker)`);
  if (extra.length > 0) throw new UsageError(`init worker takes one DIR, not ${positionals.length - 1}`);
  const own = await readPackage();
  const pinned = (name: string) => {
    const version = own.devDependencies[name];
    if (version === undefined) throw new Failure(`the package's own manifest pins no ${name}`);
    return version;
  };
  const files = workerFiles({
    name: workerName(basename(resolve(dir))),
    baked: values.baked === true,
    hotpathVersion: `^${own.version}`,
    wranglerVersion: pinned("wrangler"),
    typescriptVersion: pinned("typescript"),
  });
  // Nothing is written when any file is there already.
  for (const name of Object.keys(files)) {
    if (await exists(join(dir, name))) throw new Failure(`${join(dir, name)} exists: nothing written (init writes into an empty folder)`);
  }
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text, { flag: "wx" });
  }
  process.stdout.write(
    `wrote a Worker project in ${dir}: ${Object.keys(files).join(", ")}\n` +
      `next: ${dir === "." ? "" : `cd ${dir} && `}npm install && npx wrangler dev\n`,
  );
  return 0;
}

/** Worker names: lowercase letters, digits and dashes, at most 63. */
function workerName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return name === "" ? "hotpath-worker" : name;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
