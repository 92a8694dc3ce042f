// Node-only helpers: the real router.wasm and the vector files on disk.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { parseJsonl, type RoutingVector } from "./vectors.js";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const vectorsDir = `${root}tests/vectors/`;

/**
 * The module under test: build/router.wasm (make wasm), or the build that
 * HOTPATH_WASM names (a path from the repository root), which is how
 * make test-wasm-toolchains runs the same suites on every toolchain's build.
 */
export const wasmPath = resolve(root, process.env["HOTPATH_WASM"] ?? "build/router.wasm");
export const wasmBytes: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(wasmPath));
const wasmModule = new WebAssembly.Module(wasmBytes);

/** A fresh instance of the module under test (wasmPath). */
export async function newInstance(): Promise<WebAssembly.Instance> {
  return WebAssembly.instantiate(wasmModule, {});
}

export const routingVectors: RoutingVector[] = parseJsonl(readFileSync(`${vectorsDir}routing.jsonl`, "utf8"));

export interface TableErrorVector {
  id: string;
  table: string;
  line: number;
  message_contains: string;
}
export const tableErrorVectors: TableErrorVector[] = parseJsonl(readFileSync(`${vectorsDir}table-errors.jsonl`, "utf8"));

/** Directives and handler routes (tests/vectors/README.md, "Directives"). */
export const directiveVectors: RoutingVector[] = parseJsonl(readFileSync(`${vectorsDir}directives.jsonl`, "utf8"));
export const directiveErrorVectors: TableErrorVector[] = parseJsonl(readFileSync(`${vectorsDir}directive-errors.jsonl`, "utf8"));

export const tableFiles: Record<string, string> = Object.fromEntries(
  readdirSync(vectorsDir)
    .filter((name) => name.endsWith(".tsv"))
    .map((name) => [name, readFileSync(vectorsDir + name, "utf8")]),
);
