#!/usr/bin/env bash
# Installs what Hotpath's build and tests need on Debian: apt packages when
# root (otherwise names them and fails), then `npm ci` from the lockfile.
#   scripts/bootstrap.sh             install what is missing
#   scripts/bootstrap.sh --quiet     same, silent when nothing is missing
#   scripts/bootstrap.sh --native    only what hotpath-server needs to build
#                                    (make native, make run): no npm ci
#   scripts/bootstrap.sh --emscripten --wasi   also the toolchains of make
#       wasm-emscripten and make wasm-wasi (those targets ask for them; CI
#       installs both for make test-wasm-toolchains)
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
native=0
toolchains=()
for arg in "$@"; do
  case $arg in
    --quiet) quiet=1 ;;
    --native) native=1 ;;
    # emcc 3.1.6 (it brings node packages and uses Debian's clang and Binaryen)
    --emscripten) toolchains+=(emscripten) ;;
    # clang --target=wasm32-wasi: the WASI sysroot and its compiler-rt builtins
    --wasi) toolchains+=(wasi-libc libclang-rt-14-dev-wasm32) ;;
    *) echo "bootstrap: unknown option $arg (--quiet, --native, --emscripten, --wasi)" >&2; exit 2 ;;
  esac
done

if [ $native = 1 ]; then
  # By command, so that compilers from elsewhere (or another distribution) count.
  packages=()
  { command -v c++ && command -v make; } >/dev/null 2>&1 || packages+=(build-essential)
  command -v cmake >/dev/null 2>&1 || packages+=(cmake)
else
  packages=(build-essential cmake clang lld binaryen libgtest-dev libbenchmark-dev nlohmann-json3-dev nodejs npm
            valgrind wrk)  # make test-valgrind, make test-load
  # clang's sanitizer and libFuzzer runtimes for make fuzz: only recommended by
  # clang, so missing where apt skips recommendations.
  packages+=(libclang-rt-dev)
fi
packages+=("${toolchains[@]}")
missing=()
for p in "${packages[@]+"${packages[@]}"}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# node/npm may come from outside Debian (nvm, nodesource): accept any node >= 20.
if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
    echo "bootstrap: install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

[ $native = 1 ] && exit 0

# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
elif [ $quiet = 0 ]; then
  echo "bootstrap: node_modules is up to date"
fi
