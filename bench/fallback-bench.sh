#!/usr/bin/env bash
# npm run bench:fallback: handler routes through hotpath-server's fallback
# (issue 12's goals), two bench:run suites, each side by side in one run:
#  1. a table route (GET /hello/rai): c-core alone, then c-core with a
#     fallback attached (the goal: unchanged within noise);
#  2. the handler route (GET /dyn/rai, "hello rai"): the same function served
#     directly (handler-node first: the anchor of the ratios), through
#     c-core's fallback on Node, HotpathServer on node:http, and the same on
#     Bun (the goal: c-core-fallback at most 1.3x the CPU per request of the
#     handler served directly).
# WRK_DURATION, BENCH_REPEAT, PIN... as for bench:run (bench/run.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=${TABLE_TARGETS:-c-core,c-core-fallback} BENCH_PATH=/hello/rai node bench/run.mjs
TARGETS=${HANDLER_TARGETS:-handler-node,c-core-fallback,fast-dyn-node,handler-bun,c-core-fallback-bun,fast-dyn-bun} \
  BENCH_PATH=/dyn/rai BENCH_EXPECT="hello rai" node bench/run.mjs
