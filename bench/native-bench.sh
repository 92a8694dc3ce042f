#!/usr/bin/env bash
# npm run bench:c / make bench-native: hotpath-server against nginx, side by
# side in one run, on /hello/rai: (a) keep-alive, wrk -t1 -c64; (b) 16-deep
# pipelining (bench/pipeline.lua). The server under test is pinned to CPU 0
# and wrk to CPU 1 (taskset); on 2 cores wrk often saturates before the
# server, so the fair figure is the server's CPU time per request, read from
# /proc over the server's whole process tree during the run.
#   WRK_DURATION=10 (or 10s, 2m)  BENCH_REPEAT=3  WRK_CONNECTIONS=64  PIPELINE=16
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
duration=$(duration_seconds WRK_DURATION "${WRK_DURATION:-10}")
repeat=${BENCH_REPEAT:-3}
connections=${WRK_CONNECTIONS:-64}
export PIPELINE=${PIPELINE:-16}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}

for tool in wrk nginx taskset; do
  command -v "$tool" >/dev/null || { echo "native-bench: $tool is missing: run 'make bootstrap-bench' (as root)" >&2; exit 1; }
done
[ -x build/hotpath-server ] || { echo "native-bench: build/hotpath-server is missing: run 'make native'" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT


# Server 1: hotpath-server, one thread.
hp_port=$(free_port)
taskset -c "$server_cpu" build/hotpath-server --config bench/c-core.tsv --host 127.0.0.1 --port "$hp_port" \
  --threads 1 --quiet &
pids+=($!)
hp_pid=$!
wait_ready "$hp_port" /hello/rai "hello rai"

# Server 2: nginx, one worker, the equivalent route.
ng_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$ng_port;
    location ~ ^/hello/(.+)\$ { default_type "text/plain; charset=utf-8"; return 200 "hello \$1"; }
  }
}
CONF
taskset -c "$server_cpu" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
ng_pid=$!
wait_ready "$ng_port" /hello/rai "hello rai"

declare -A results
run() {  # name, pid, port, mode
  local name=$1 pid=$2 port=$3 mode=$4 args=(-t1 -c"$connections" -d"${duration}s")
  [ "$mode" = pipelined ] && args+=(-s bench/pipeline.lua)
  echo "  $name $mode: wrk ${args[*]}" >&2
  local measured
  measured=$(run_wrk "$pid" "http://127.0.0.1:$port/hello/rai" "${args[@]}") || exit 1
  results["$name,$mode"]+="${measured% *}:${measured#* } "
}

echo "native-bench: $repeat x ${duration}s per target, server on CPU $server_cpu, wrk on CPU $client_cpu" >&2
for _ in $(seq 1 "$repeat"); do
  for mode in keep-alive pipelined; do
    run nginx "$ng_pid" "$ng_port" "$mode"
    run hotpath "$hp_pid" "$hp_port" "$mode"
  done
done

echo
echo "| server | mode | req/s | server CPU µs/req | CPU vs nginx |"
echo "| --- | --- | ---: | ---: | ---: |"
for mode in keep-alive pipelined; do
  ng_us=$(for r in ${results["nginx,$mode"]}; do echo "${r#*:}"; done | median)
  for name in nginx hotpath; do
    rps=$(for r in ${results["$name,$mode"]}; do echo "${r%%:*}"; done | median)
    us=$(for r in ${results["$name,$mode"]}; do echo "${r#*:}"; done | median)
    ratio=$(awk -v a="$us" -v b="$ng_us" 'BEGIN {printf "%.2f", a / b}')
    echo "| $name | $mode | $rps | $us | $ratio |"
  done
done
echo
echo "$(nginx -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
