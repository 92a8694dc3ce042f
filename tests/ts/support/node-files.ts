// Node-only helpers: the real build/router.wasm and the vector files on disk.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { parseJsonl, type RoutingVector } from "./vectors.js";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const vectorsDir = `${root}tests/vectors/`;

export const wasmBytes: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(`${root}build/router.wasm`));
const wasmModule = new WebAssembly.Module(wasmBytes);

/** A fresh instance of the real build/router.wasm. */
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
