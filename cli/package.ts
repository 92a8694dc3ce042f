/**
 * What the hotpath command reads from its own package: the version, the
 * pinned versions a generated project depends on, and router.wasm
 * (build/router.wasm in a checkout, else the dist/router.wasm the package ships).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { packageRoot } from "../adapters/native-build.js";
import { Failure } from "./errors.js";

export interface OwnPackage {
  root: string;
  version: string;
  devDependencies: Record<string, string>;
  readonly routerWasm: Uint8Array<ArrayBuffer>;
}

export async function readPackage(): Promise<OwnPackage> {
  const root = await packageRoot();
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    version: string;
    devDependencies?: Record<string, string>;
  };
  let wasm: Uint8Array<ArrayBuffer> | null = null;
  for (const candidate of ["build/router.wasm", "dist/router.wasm"]) {
    try {
      wasm = new Uint8Array(await readFile(join(root, candidate)));
      break;
    } catch {
      // not built here: try the next
    }
  }
  return {
    root,
    version: manifest.version,
    devDependencies: manifest.devDependencies ?? {},
    get routerWasm(): Uint8Array<ArrayBuffer> {
      if (wasm === null) throw new Failure(`router.wasm is missing from ${root} (dist/router.wasm; in a checkout: make wasm)`);
      return wasm;
    },
  };
}
