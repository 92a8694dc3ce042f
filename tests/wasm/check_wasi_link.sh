#!/usr/bin/env bash
# The link check of make wasm-wasi: links the objects once more through the
# clang driver with the WASI sysroot's libc and compiler-rt offered (the
# driver's default libraries, as any wasm32-wasi program gets them), traces
# every input wasm-ld takes (--trace), and fails if it took anything but the
# objects (any member of libc.a or compiler-rt): the freestanding core must need nothing from them. Exporting
# __wasm_call_ctors keeps wasm-ld from pulling libc's __wasm_call_dtors for a
# WASI command wrapper, which the core would not have asked for. The module
# of this link is thrown away.
#   WASM_WASI_CXX=clang++ tests/wasm/check_wasi_link.sh LDFLAGS... -- OBJECTS...
set -euo pipefail
: "${WASM_WASI_CXX:=clang++}"
flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
link=("$WASM_WASI_CXX" "${flags[@]}" -nostartfiles -nostdlib++ -Wl,--export=__wasm_call_ctors -Wl,--trace "$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Not a vacuous check: the driver must really put libc and compiler-rt on
# the wasm-ld line.
"${link[@]}" -o "$work/offered.wasm" -### 2> "$work/command.txt"
for lib in '"-lc"' 'libclang_rt\.builtins-wasm32\.a'; do
  grep -qE "$lib" "$work/command.txt" || { echo "wasm-wasi link check: the driver does not offer $lib:" >&2; cat "$work/command.txt" >&2; exit 1; }
done

"${link[@]}" -o "$work/offered.wasm" > "$work/trace.txt"
taken=$(grep -vxF -f <(printf '%s\n' "$@") "$work/trace.txt" || true)
if [ -n "$taken" ]; then
  echo "wasm-wasi link check: the core takes these from the sysroot's libraries:" >&2
  echo "$taken" >&2
  exit 1
fi
echo "wasm-wasi link check: libc and compiler-rt offered, nothing taken (wasm-ld read $(wc -l < "$work/trace.txt") inputs, the $# objects)"
