#!/usr/bin/env bash
# npm run bench:fast: HotpathServer on Bun against Hono on Bun and a plain
# Bun.serve with a routes table (the ceiling), same routes, same run, wrk on
# /hello/rai and /. Each server is pinned to CPU 0 and wrk to CPU 1; req/s
# and the server's CPU time per request are reported, median of repeats.
#   WRK_DURATION=10 (or 10s, 2m)  BENCH_REPEAT=3  WRK_CONNECTIONS=64
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
duration=$(duration_seconds WRK_DURATION "${WRK_DURATION:-10}")
repeat=${BENCH_REPEAT:-3}
connections=${WRK_CONNECTIONS:-64}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
bun=node_modules/.bin/bun
for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "fast-bench: $tool is missing: run 'make bootstrap-bench'" >&2; exit 1; }
done
[ -x "$bun" ] || { echo "fast-bench: $bun is missing: run 'npm ci'" >&2; exit 1; }
[ -f dist/adapters/index.js ] || { echo "fast-bench: dist/ is missing: run 'npm run build'" >&2; exit 1; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
declare -A port pid
targets=(bun-raw hono-bun fast fast-bun-static)
for t in "${targets[@]}"; do
  port[$t]=$(free_port)
  PORT=${port[$t]} taskset -c "$server_cpu" "$bun" "bench/servers/$t.mjs" &
  pid[$t]=$!
  pids+=($!)
  wait_ready "${port[$t]}" /hello/rai "hello rai"
  wait_ready "${port[$t]}" / "ok"
done

declare -A results
echo "fast-bench: $repeat x ${duration}s per target and path, servers on CPU $server_cpu, wrk on CPU $client_cpu" >&2
for _ in $(seq 1 "$repeat"); do
  for path in /hello/rai /; do
    for t in "${targets[@]}"; do
      echo "  $t $path" >&2
      measured=$(run_wrk "${pid[$t]}" "http://127.0.0.1:${port[$t]}$path" -t1 -c"$connections" -d"${duration}s") || exit 1
      results["$t,$path"]+="$measured:"
    done
  done
done

field() { tr ':' '\n' | grep -v '^$' | awk -v f="$1" '{print $f}' | median; }
echo
echo "| server | path | req/s | server CPU µs/req | req/s vs Bun.serve | req/s vs Hono |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for path in /hello/rai /; do
  raw=$(field 1 <<<"${results["bun-raw,$path"]}")
  hono=$(field 1 <<<"${results["hono-bun,$path"]}")
  for t in "${targets[@]}"; do
    rps=$(field 1 <<<"${results["$t,$path"]}")
    us=$(field 2 <<<"${results["$t,$path"]}")
    echo "| $t | $path | $rps | $us | $(awk -v a="$rps" -v b="$raw" 'BEGIN {printf "%.2f", a / b}') | $(awk -v a="$rps" -v b="$hono" 'BEGIN {printf "%.2f", a / b}') |"
  done
done
echo
echo "bun $("$bun" --version), hono $(node -p 'require("./node_modules/hono/package.json").version'), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
