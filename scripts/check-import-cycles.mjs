#!/usr/bin/env node
// Fails (exit 1) on any import cycle among the TypeScript modules under the
// given folders (default: adapters/), type imports included: `import`,
// `import type`, `export ... from`, `import("...")` and `typeof import("...")`
// with a relative specifier all count as edges. Run by `make test`.
//
//   node scripts/check-import-cycles.mjs [folder ...]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["adapters"];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

// Relative specifiers of every static, type-only and literal dynamic import.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

function edges(file) {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out = new Set();
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
    out.add(target);
  }
  return [...out];
}

const graph = new Map();
for (const folder of folders) for (const file of files(resolve(root, folder))) graph.set(file, edges(file));

// Depth-first search; a grey node met again closes a cycle.
const state = new Map();  // undefined: new, 1: on the stack, 2: done
const stack = [];
const cycles = [];
function visit(file) {
  state.set(file, 1);
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;  // outside the folders checked
    if (state.get(next) === 1) cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (state.get(next) === undefined) visit(next);
  }
  stack.pop();
  state.set(file, 2);
}
for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);

const name = (file) => relative(root, file);
if (cycles.length > 0) {
  console.error(`import cycles in ${folders.join(", ")}:`);
  for (const cycle of cycles) console.error(`  ${cycle.map(name).join(" -> ")}`);
  process.exit(1);
}
console.log(`no import cycle among ${graph.size} modules of ${folders.join(", ")}`);
