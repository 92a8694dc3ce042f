#!/usr/bin/env bash
# build/hotpath-server under valgrind memcheck, for `make test-valgrind`: the
# socket suites run it through HOTPATH_SERVER_BINARY. One log per process in
# $HOTPATH_VALGRIND_REPORTS (default build/valgrind); the Makefile target fails
# unless every log ends with "ERROR SUMMARY: 0 errors". A definite leak counts
# as an error; the exit status is 99 on any error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reports=${HOTPATH_VALGRIND_REPORTS:-$root/build/valgrind}
mkdir -p "$reports"
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --track-origins=yes --log-file="$reports/memcheck.%p.log" \
  "${HOTPATH_VALGRIND_SERVER:-$root/build/hotpath-server}" "$@"
