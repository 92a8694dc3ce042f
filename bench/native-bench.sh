#!/usr/bin/env bash
# npm run bench:c / make bench-native: hotpath-server against nginx, side by
# side in one run, on /hello/rai: (a) keep-alive, wrk -t1 -c64; (b) 16-deep
# pipelining (bench/pipeline.lua). The server under test is pinned to CPU 0
# and wrk to CPU 1 (taskset); on 2 cores wrk often saturates before the
# server, so the fair figure is the server's CPU time per request, read from
# /proc over the server's whole process tree during the run.
#   WRK_DURATION=10  BENCH_REPEAT=3  WRK_CONNECTIONS=64  PIPELINE=16
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${WRK_DURATION:-10}
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # port, expected body
  for _ in $(seq 1 100); do
    if [ "$(curl -s "http://127.0.0.1:$1/hello/rai" 2>/dev/null)" = "$2" ]; then return 0; fi
    sleep 0.1
  done
  echo "native-bench: nothing answered 'hello rai' on port $1" >&2
  exit 1
}

# CPU ticks (user + system) of a process and all its descendants.
tree_ticks() {
  local root=$1 total=0 pid
  local all=("$root")
  for pid in $(ps -o pid= --ppid "$root" 2>/dev/null); do all+=("$pid"); done
  for pid in "${all[@]}"; do
    if [ -r "/proc/$pid/stat" ]; then
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    fi
  done
  echo "$total"
}

# Server 1: hotpath-server, one thread.
hp_port=$(free_port)
taskset -c "$server_cpu" build/hotpath-server --config bench/c-core.tsv --host 127.0.0.1 --port "$hp_port" \
  --threads 1 --quiet &
pids+=($!)
hp_pid=$!
wait_ready "$hp_port" "hello rai"

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
wait_ready "$ng_port" "hello rai"

hz=$(getconf CLK_TCK)
declare -A results
run() {  # name, pid, port, mode
  local name=$1 pid=$2 port=$3 mode=$4 args=() out before after requests non2xx errors
  [ "$mode" = pipelined ] && args=(-s bench/pipeline.lua)
  echo "  $name $mode: wrk -t1 -c$connections -d${duration}s ${args[*]}" >&2
  before=$(tree_ticks "$pid")
  out=$(taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"${duration}s" "${args[@]}" "http://127.0.0.1:$port/hello/rai")
  after=$(tree_ticks "$pid")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  errors=$(grep -c 'Socket errors' <<<"$out" || true)
  if [ -n "$non2xx" ] || [ "$errors" != 0 ] || [ -z "$requests" ] || [ "$requests" = 0 ]; then
    echo "native-bench: invalid run for $name $mode:" >&2; echo "$out" >&2; exit 1
  fi
  local rps us
  rps=$(awk -v r="$requests" -v d="$duration" 'BEGIN {printf "%.0f", r / d}')
  us=$(awk -v t=$((after - before)) -v hz="$hz" -v r="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / r}')
  results["$name,$mode"]+="$rps:$us "
}

echo "native-bench: $repeat x ${duration}s per target, server on CPU $server_cpu, wrk on CPU $client_cpu" >&2
for _ in $(seq 1 "$repeat"); do
  for mode in keep-alive pipelined; do
    run nginx "$ng_pid" "$ng_port" "$mode"
    run hotpath "$hp_pid" "$hp_port" "$mode"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
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
