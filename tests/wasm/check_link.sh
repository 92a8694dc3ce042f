#!/usr/bin/env bash
# Builds router/ for wasm32 freestanding (the flags of router.wasm) and links
# it with a probe that calls parse, match, render and format_allow. Fails on
# any undefined symbol (wasm-ld is run without --allow-undefined), on any
# import of the linked module, and on any global constructor.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
: "${WASM_CXX:=clang++}"
: "${WASM_LD:=wasm-ld}"
flags=(--target=wasm32 -std=c++17 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib
       -fno-exceptions -fno-rtti -mbulk-memory)
objects=()
for src in "$root"/router/*.cpp "$here/link_probe.cpp"; do
  obj="$out/$(basename "$src" .cpp).o"
  "$WASM_CXX" "${flags[@]}" -c "$src" -o "$obj"
  objects+=("$obj")
done
"$WASM_LD" --no-entry --export=__wasm_call_ctors "${objects[@]}" -o "$out/probe.wasm"
node --input-type=module - "$out/probe.wasm" <<'JS'
import { readFileSync } from "node:fs";
const bytes = readFileSync(process.argv[2]);
const module = new WebAssembly.Module(bytes);
const imports = WebAssembly.Module.imports(module);
if (imports.length !== 0) {
  console.error("router wasm32 build has imports:", JSON.stringify(imports));
  process.exit(1);
}
// __wasm_call_ctors is synthesised by wasm-ld; with no global constructor in
// the core its body is empty, so the code section entry is 2 bytes
// (locals count 0, end). Instantiate and call it to be sure it does nothing.
const { instance } = await WebAssembly.instantiate(bytes, {});
const before = new Uint8Array(instance.exports.memory.buffer).slice();
instance.exports.__wasm_call_ctors();
const after = new Uint8Array(instance.exports.memory.buffer);
if (!before.every((b, i) => b === after[i])) {
  console.error("a global constructor wrote memory: the core must be constant-initialised");
  process.exit(1);
}
console.log(`ok: ${bytes.length} bytes, 0 imports, no constructor effects`);
JS
