#!/usr/bin/env bash
# The core must have no global constructors: an object file of router/ with a
# .init_array section (or a _GLOBAL__sub_I_ function) would run code at load.
set -euo pipefail
archive=$1
if objdump -h "$archive" | grep -qE '\.init_array|\.ctors'; then
  echo "router/ has a global constructor:"; objdump -h "$archive" | grep -E '\.init_array|\.ctors|file format'
  exit 1
fi
if nm "$archive" | grep -q '_GLOBAL__sub_I_'; then
  echo "router/ has a global constructor:"; nm "$archive" | grep '_GLOBAL__sub_I_'
  exit 1
fi
echo "ok: no global constructors in $(basename "$archive")"
