#!/usr/bin/env bash
# Links router.wasm with emcc (make wasm-emscripten) into the same module
# interface as make wasm:
#   - initial memory: emcc passes wasm-ld --initial-memory (16 MiB unless
#     told), where make wasm lets wasm-ld take the least that holds the data
#     and the stack. The first link asks for the stack alone; wasm-ld answers
#     "initial memory too small, N bytes needed", and the second link asks
#     for N rounded up to a page: the size wasm-ld would have chosen.
#   - exports: emcc always adds --export-table (__indirect_function_table);
#     it is removed (Binaryen's text round trip), and the now unused table
#     with it.
#   - imports: none. emcc links with --import-undefined, so a symbol the
#     core would need from a libc shows up here as an import: that fails.
#   EMCC=emcc scripts/wasm-emcc-link.sh OUT.wasm LDFLAGS... -- OBJECTS...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${EMCC:=emcc}"
out=$1; shift
flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
objects=("$@")
work="$out.tmp"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# emcc itself refuses an initial memory below the stack: start there.
page=65536
first=$page
for flag in "${flags[@]}"; do
  case $flag in -sTOTAL_STACK=*) first=$(( (${flag#*=} + page - 1) / page * page )) ;; esac
done
if ! "$EMCC" "${flags[@]}" -sINITIAL_MEMORY=$first "${objects[@]}" -o "$work/linked.wasm" 2>"$work/first.log"; then
  needed=$(sed -nE 's/.*initial memory too small, ([0-9]+) bytes needed.*/\1/p' "$work/first.log" | head -1)
  if [ -z "$needed" ]; then cat "$work/first.log" >&2; exit 1; fi
  initial=$(( (needed + page - 1) / page * page ))
  "$EMCC" "${flags[@]}" -sINITIAL_MEMORY=$initial "${objects[@]}" -o "$work/linked.wasm"
fi

wasm-dis "$work/linked.wasm" -o "$work/linked.wat"
grep -v '^ (export "__indirect_function_table" (table ' "$work/linked.wat" > "$work/router.wat"
wasm-opt "$work/router.wat" --enable-bulk-memory --remove-unused-module-elements --strip-debug --strip-producers \
  -o "$work/router.wasm"
node "$here/../tests/wasm/check_imports.mjs" "$work/router.wasm"
mv "$work/router.wasm" "$out"
