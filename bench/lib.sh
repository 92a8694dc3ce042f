# Shared helpers of the HTTP benchmark scripts (sourced, not run).
# Each run: wrk pinned to $client_cpu against a server pinned to $server_cpu;
# req/s from wrk, server CPU per request from /proc over its process tree.

# duration_seconds NAME VALUE: whole seconds from wrk's duration forms (10,
# 10s, 2m, 1h; as bench/suite/duration.mjs), or a message and exit 1.
duration_seconds() {
  local name=$1 value=$2
  if [[ $value =~ ^([0-9]+)(s|m|h)?$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ]; then
    case ${BASH_REMATCH[2]} in
      m) echo $((BASH_REMATCH[1] * 60)) ;;
      h) echo $((BASH_REMATCH[1] * 3600)) ;;
      *) echo "${BASH_REMATCH[1]}" ;;
    esac
  else
    echo "bench: $name must be a duration as wrk takes it (10, 10s, 2m or 1h, at least 1s), not '$value'" >&2
    exit 1
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # port, path, expected body: a 404 or a wrong body is not ready
  for _ in $(seq 1 150); do
    if [ "$(curl -s "http://127.0.0.1:$1$2" 2>/dev/null)" = "$3" ]; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing answered '$3' on 127.0.0.1:$1$2" >&2
  return 1
}

# CPU ticks (user + system) of a process and its children.
tree_ticks() {
  local root=$1 total=0 pid
  local all=("$root")
  for pid in $(ps -o pid= --ppid "$root" 2>/dev/null); do all+=("$pid"); done
  for pid in "${all[@]}"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

# run_wrk PID URL [wrk args...]: prints "req_per_s cpu_us_per_req", or fails
# loudly on non-2xx answers or socket errors (such a run is invalid).
run_wrk() {
  local pid=$1 url=$2 out before after requests
  shift 2
  before=$(tree_ticks "$pid")
  out=$(taskset -c "$client_cpu" wrk "$@" "$url")
  after=$(tree_ticks "$pid")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out" || [ -z "$requests" ] || [ "$requests" = 0 ]; then
    echo "bench: invalid run against $url:" >&2; echo "$out" >&2; return 1
  fi
  awk -v r="$requests" -v d="$duration" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f %.2f\n", r / d, t / hz * 1e6 / r}'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
