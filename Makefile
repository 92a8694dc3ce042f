# Hotpath build and test entry points. Native C++ goes through CMake (build/,
# build-asan/); the wasm32 check runs as one of its tests.
#   make            build everything buildable (library, tests, benchmarks)
#   make test       all tests: test-cpp (C++ unit tests, shared vectors, wasm32
#                   link) and test-ts (no import cycle in adapters/; typecheck;
#                   Vitest on Node with the real router.wasm, wrangler dev;
#                   Vitest inside workerd; the same TypeScript suites under
#                   bun test) and test-user (the npm tarball in fresh
#                   projects; the original README's commands)
#   make wasm       build/router.wasm with ROUTES (default bench/c-core.tsv)
#   make wasm-emscripten, make wasm-wasi  the same module from emcc or a WASI
#                   sysroot (build/wasm-emscripten/, build/wasm-wasi/)
#   make test-wasm-toolchains  the wasm and workerd suites on all three builds
#   make test-asan  the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-valgrind  hotpath-server under valgrind memcheck (socket suites)
#   make test-load  load and fault tests of hotpath-server and of HotpathServer
#                   on Node and Bun, 10,000 reloads (not in make test)
#   make fuzz       libFuzzer targets (tests/fuzz) under ASan+UBSan, FUZZ_SECONDS (60) each
#   make fuzz-differential  the TypeScript router against router.wasm, FUZZ_SECONDS
#   make bench-router  ns per lookup of the C++ matcher (Google Benchmark)
#   make bootstrap  install what is missing (apt packages as root; npm ci)
#   make native     build/hotpath-server (needs only cmake and a C++ compiler)
#   make run        serve ROUTES (bench/c-core.tsv) on HOST:PORT (127.0.0.1:3000)
#   make clean

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
CTEST ?= ctest
# GNU make predefines CXX=g++; only pass a compiler to CMake when asked.
ifneq ($(origin CXX),default)
CMAKE_CXX := -DCMAKE_CXX_COMPILER=$(CXX)
endif

.PHONY: all build native bench-native bootstrap-bench test test-cpp test-ts test-user test-asan test-valgrind test-load bench-router bootstrap deps deps-native run clean wasm FORCE

all: build wasm

# Every entry point installs what is missing first, so `make test` and
# `make run` are all the set-up a fresh Debian machine needs.
deps:
	@scripts/bootstrap.sh --quiet

# What hotpath-server alone needs (cmake, a compiler): no npm ci.
deps-native:
	@scripts/bootstrap.sh --quiet --native

bootstrap:
	scripts/bootstrap.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps-native
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_CXX)

build: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

test: test-cpp test-ts test-user

test-cpp: build
	$(CTEST) --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# wrangler and workerd stay offline (no metrics, no cf fetch, no banner).
OFFLINE_ENV := WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false

# dist/ (the package as built by `npm run build`, without router.wasm): the
# benchmark suite's test starts hotpath-server through dist/'s launcher.
test-ts: deps wasm native
	node scripts/check-import-cycles.mjs adapters
	npx tsc --noEmit -p .
	npx tsc -p tsconfig.build.json
	$(OFFLINE_ENV) npx vitest run
	$(OFFLINE_ENV) npx vitest run --config vitest.workers.config.ts
	$(OFFLINE_ENV) node_modules/.bin/bun test

# What a user does (vitest.user.config.ts): the packed tarball installed into
# fresh projects outside the repository (tests/package), and the original
# README's commands as written (tests/commands). Offline: nothing beyond what
# npm ci fetched.
test-user: deps wasm native
	$(OFFLINE_ENV) npx vitest run --config vitest.user.config.ts

$(ASAN_BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	$(CMAKE) -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHOTPATH_SANITIZE=ON $(CMAKE_CXX)

# The C++ suites under ASan+UBSan, then the socket suites of the native
# server against its sanitizer build: any report written to
# $(ASAN_BUILD)/reports fails the target.
test-asan: deps wasm $(ASAN_BUILD)/CMakeCache.txt
	$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(CTEST) --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	rm -rf $(ASAN_BUILD)/reports && mkdir -p $(ASAN_BUILD)/reports
	npx tsc -p tsconfig.build.json  # dist/: the fallback the handler-route suites start
	HOTPATH_SERVER_BINARY=$(CURDIR)/$(ASAN_BUILD)/hotpath-server \
	  ASAN_OPTIONS=detect_leaks=1:log_path=$(CURDIR)/$(ASAN_BUILD)/reports/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(ASAN_BUILD)/reports/ubsan \
	  npx vitest run tests/ts/native/http.test.ts tests/ts/native/vectors.test.ts tests/ts/native/c-server.test.ts \
	    tests/ts/native/reload.test.ts tests/ts/native/directive-vectors.test.ts tests/ts/native/fallback.test.ts \
	    tests/ts/native/c-handlers.test.ts
	@if [ -n "$$(ls -A $(ASAN_BUILD)/reports)" ]; then cat $(ASAN_BUILD)/reports/*; echo "sanitizer reports above"; exit 1; fi
	@echo "hotpath-server under ASan+UBSan: no sanitizer reports"

# hotpath-server (the Release build) under valgrind memcheck, through
# scripts/valgrind-server.sh, over the routing and directive vectors, the
# handler routes with a real fallback, the HTTP framing and smuggling cases
# and VALGRIND_RELOADS reloads under load (about 4 minutes). Any memcheck error or definite leak
# fails it: the server exits 99 (so its test fails), and every log in
# $(VALGRIND_REPORTS) must say "ERROR SUMMARY: 0 errors".
VALGRIND_REPORTS := $(BUILD)/valgrind
VALGRIND_HTTP_CASES := smuggling|request line and header syntax|methods, targets and bodies|answers and keep-alive|max-body-bytes|SIGTERM with requests in flight
VALGRIND_RELOADS ?= 500
test-valgrind: deps native
	@command -v valgrind >/dev/null || { echo "valgrind is missing: make bootstrap (as root), or apt-get install valgrind"; exit 1; }
	rm -rf $(VALGRIND_REPORTS) && mkdir -p $(VALGRIND_REPORTS)
	npx tsc -p tsconfig.build.json  # dist/: the fallback the handler-route suites start
	@status=0; export HOTPATH_SERVER_BINARY=$(CURDIR)/scripts/valgrind-server.sh HOTPATH_VALGRIND_REPORTS=$(CURDIR)/$(VALGRIND_REPORTS); \
	  npx vitest run tests/ts/native/vectors.test.ts tests/ts/native/directive-vectors.test.ts tests/ts/native/fallback.test.ts || status=1; \
	  npx vitest run tests/ts/native/http.test.ts -t '$(VALGRIND_HTTP_CASES)' || status=1; \
	  HOTPATH_RELOADS=$(VALGRIND_RELOADS) npx vitest run tests/ts/native/reload.test.ts || status=1; \
	  logs=$$(ls $(VALGRIND_REPORTS)/*.log 2>/dev/null | wc -l); [ "$$logs" -gt 0 ] || { echo "no valgrind logs in $(VALGRIND_REPORTS)"; exit 1; }; \
	  bad=$$(grep -L 'ERROR SUMMARY: 0 errors' $(VALGRIND_REPORTS)/*.log); \
	  if [ -n "$$bad" ]; then cat $$bad; echo "memcheck errors (or an unfinished log) above: $$bad"; exit 1; fi; \
	  [ $$status = 0 ] || { echo "socket suites failed under valgrind"; exit 1; }; \
	  echo "hotpath-server under valgrind memcheck: $$logs processes, 0 errors, no definite leaks"

# Load and fault tests on 127.0.0.1, one suite (tests/load/load-suite.ts)
# run against hotpath-server (10,000 connections) and HotpathServer on Node
# and on Bun (1,000; from dist/, built here): wrk, slowloris, resets, a 1 GB
# body, SIGTERM under load; and 10,000 reloads under load: about 5 minutes,
# so not part of `make test`. WRK_SECONDS (default 30) shortens the wrk
# runs, LOAD_RELOADS (default 10000) the reloads.
test-load: deps native
	@command -v wrk >/dev/null || { echo "wrk is missing: make bootstrap (as root), or apt-get install wrk"; exit 1; }
	npx tsc -p tsconfig.build.json
	npx vitest run --config vitest.load.config.ts

# ---- router.wasm -------------------------------------------------------------
# One module from three toolchains: the same sources (every .cpp in router/
# and abi/), the same optimisation split, the same table (ROUTES) compiled in,
# and the exports the sources mark with export_name (no export list here).
#   make wasm             build/router.wasm: clang --target=wasm32 (or a
#                         wasi-sdk's clang at WASI_SDK_PATH), wasm-ld, then
#                         Binaryen's wasm-opt when installed. The default.
#   make wasm-emscripten  build/wasm-emscripten/router.wasm: emcc, standalone
#   make wasm-wasi        build/wasm-wasi/router.wasm: --target=wasm32-wasi
#                         with a WASI sysroot
#   make test-wasm-toolchains  the same tests on all three (README "router.wasm
#                         toolchains"); not part of make test
# The default links without -O so that clang never runs wasm-opt itself.
ROUTES ?= bench/c-core.tsv
WASM_DIR := $(BUILD)/wasm
ifdef WASI_SDK_PATH
WASM_CXX ?= $(WASI_SDK_PATH)/bin/clang++
WASM_LD ?= $(WASI_SDK_PATH)/bin/wasm-ld
else
WASM_CXX ?= clang++
WASM_LD ?= wasm-ld
endif
WASM_OPT ?= $(shell command -v wasm-opt 2>/dev/null)
WASM_OPT_LEVEL ?= -O3
# 1 GiB: far above any route table, and a clean "cannot grow" (alloc returns
# 0) instead of an engine-dependent limit.
WASM_MAX_MEMORY ?= 1073741824
WASM_STACK_SIZE ?= 65536
# What every toolchain compiles with; each adds its target (emcc has its own).
WASM_COMMON_CXXFLAGS := -std=c++17 -flto -ffreestanding -fno-exceptions -fno-rtti -mbulk-memory \
  -fvisibility=hidden -Wall -Wextra -Werror
WASM_CXXFLAGS ?= --target=wasm32 -nostdlib $(WASM_COMMON_CXXFLAGS)
# What runs per request (the matcher, the answer head, the body renderer) is
# optimised with -Os, everything else (table loading, ABI glue) with -Oz, all
# linked with LTO (measured with bench/wasm-instructions.mjs; README
# "router.wasm"). abi/router_abi.cpp stays -Oz: at -Os, LTO inlines table
# loading into its exports, 10 KB more for no fewer instructions a request.
WASM_HOT ?= router/match.cpp router/answer.cpp router/render.cpp
WASM_HOT_OPT ?= -Os
WASM_COLD_OPT ?= -Oz
WASM_SOURCES := $(wildcard router/*.cpp) $(wildcard abi/*.cpp)
WASM_HEADERS := $(wildcard router/*.h abi/*.h)
# $(call wasm_objects,DIR): the objects of one build folder.
wasm_objects = $(patsubst %.cpp,$(1)/obj/%.o,$(WASM_SOURCES)) $(1)/obj/embedded_routes.o
WASM_OBJECTS := $(call wasm_objects,$(WASM_DIR))

# The rules every build folder shares: objects (WASM_HOT at WASM_HOT_OPT, the
# rest at WASM_COLD_OPT), rebuilt when the flags stamp changes, and the table
# compiled in, regenerated when ROUTES names another file.
#   $(eval $(call wasm_build_rules,DIR,COMPILER AND FLAGS,FLAGS STAMP))
define wasm_build_rules
$(1)/obj/%.o: %.cpp $(WASM_HEADERS) $(1)/flags
	@mkdir -p $$(dir $$@)
	$(2) $$(if $$(filter $$<,$$(WASM_HOT)),$$(WASM_HOT_OPT),$$(WASM_COLD_OPT)) -c $$< -o $$@

$(1)/flags: FORCE
	@mkdir -p $(1)
	@echo "$(3)" | cmp -s - $$@ || echo "$(3)" > $$@

$(1)/routes-source: FORCE
	@mkdir -p $(1)
	@echo "$$(ROUTES)" | cmp -s - $$@ || echo "$$(ROUTES)" > $$@

$(1)/embedded_routes.cpp: $$(ROUTES) $(1)/routes-source abi/embed_routes.sh | build-check-routes
	$$(BUILD)/hotpath-check-routes $$(ROUTES)
	abi/embed_routes.sh $$(ROUTES) $$@

$(1)/obj/embedded_routes.o: $(1)/embedded_routes.cpp $(1)/flags
	@mkdir -p $$(dir $$@)
	$(2) -Oz -c $$< -o $$@
endef

WASM_FLAGS_STAMP = $(WASM_CXX) $(WASM_CXXFLAGS) $(WASM_HOT) $(WASM_HOT_OPT) $(WASM_COLD_OPT) \
  $(WASM_MAX_MEMORY) $(WASM_OPT) $(WASM_OPT_LEVEL)
$(eval $(call wasm_build_rules,$(WASM_DIR),$(WASM_CXX) $(WASM_CXXFLAGS),$(WASM_FLAGS_STAMP)))

wasm: $(BUILD)/router.wasm

$(BUILD)/router.wasm: $(WASM_OBJECTS) $(WASM_DIR)/flags
	$(WASM_LD) --no-entry --strip-debug -z stack-size=$(WASM_STACK_SIZE) --max-memory=$(WASM_MAX_MEMORY) $(WASM_OBJECTS) -o $(WASM_DIR)/router.linked.wasm
ifneq ($(WASM_OPT),)
	$(WASM_OPT) $(WASM_OPT_LEVEL) --enable-bulk-memory --strip-debug --strip-producers $(WASM_DIR)/router.linked.wasm -o $@
else
	@echo "wasm-opt not found (apt-get install binaryen): router.wasm is not size-optimised"
	cp $(WASM_DIR)/router.linked.wasm $@
endif
	@echo "router.wasm: $$(wc -c < $@) bytes ($(ROUTES))"

# Emscripten (Debian's emscripten 3.1.6, or any emcc on PATH): emcc compiles
# for wasm32-unknown-emscripten and links a STANDALONE_WASM module (no
# JavaScript glue) without its system libraries; its own wasm-opt runs at
# WASM_OPT_LEVEL. scripts/wasm-emcc-link.sh gives the module the initial
# memory wasm-ld would (emcc asks for 16 MiB), removes the function table
# export emcc always adds, and fails on any import. ERROR_ON_UNDEFINED_SYMBOLS
# is off only because emcc demands stackSave/stackRestore/stackAlloc from the
# libc it is not given: an undefined function becomes an import, which fails.
# emcc's -Os and -Oz also stop inlining of functions not marked inline
# (INLINING_LIMIT=1, i.e. -fno-inline-functions): 10% more instructions per
# handle_path call and 15% on the GitHub-style table (bench:wasm-instructions,
# README "router.wasm toolchains"). -sINLINING_LIMIT=0 gives them
# the meaning they have for clang, so the split is the same as make wasm's.
EMCC ?= emcc
WASM_EMSCRIPTEN_DIR := $(BUILD)/wasm-emscripten
WASM_EMSCRIPTEN_CXXFLAGS ?= $(WASM_COMMON_CXXFLAGS) -sINLINING_LIMIT=0
WASM_EMSCRIPTEN_LDFLAGS ?= $(WASM_OPT_LEVEL) -flto -nostdlib -Wl,--no-entry -sSTANDALONE_WASM -sSUPPORT_ERRNO=0 \
  -sERROR_ON_UNDEFINED_SYMBOLS=0 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=$(WASM_MAX_MEMORY) -sTOTAL_STACK=$(WASM_STACK_SIZE)
WASM_EMSCRIPTEN_OBJECTS := $(call wasm_objects,$(WASM_EMSCRIPTEN_DIR))
WASM_EMSCRIPTEN_STAMP = $(EMCC) $(WASM_EMSCRIPTEN_CXXFLAGS) $(WASM_EMSCRIPTEN_LDFLAGS) $(WASM_HOT) $(WASM_HOT_OPT) $(WASM_COLD_OPT)
$(eval $(call wasm_build_rules,$(WASM_EMSCRIPTEN_DIR),$(EMCC) $(WASM_EMSCRIPTEN_CXXFLAGS),$(WASM_EMSCRIPTEN_STAMP)))
# The objects need emcc; only this target installs it.
$(WASM_EMSCRIPTEN_OBJECTS): | deps-emscripten

.PHONY: wasm-emscripten deps-emscripten
wasm-emscripten: $(WASM_EMSCRIPTEN_DIR)/router.wasm

deps-emscripten:
	@command -v $(EMCC) >/dev/null || scripts/bootstrap.sh --quiet --emscripten

$(WASM_EMSCRIPTEN_DIR)/router.wasm: $(WASM_EMSCRIPTEN_OBJECTS) $(WASM_EMSCRIPTEN_DIR)/flags scripts/wasm-emcc-link.sh
	EMCC="$(EMCC)" scripts/wasm-emcc-link.sh $@ $(WASM_EMSCRIPTEN_LDFLAGS) -- $(WASM_EMSCRIPTEN_OBJECTS)
	@echo "router.wasm (emscripten): $$(wc -c < $@) bytes ($(ROUTES))"

# WASI: clang --target=wasm32-wasi against a WASI sysroot (Debian's wasi-libc
# and libclang-rt-14-dev-wasm32, or a wasi-sdk at WASI_SDK_PATH), linked by the
# clang driver without crt1, libc or compiler-rt (-nostdlib: wasm-ld fails on
# any symbol the core would take from them; offered libc, wasm-ld would also
# wrap every export in a WASI "command" wrapper around libc's
# __wasm_call_dtors), then wasm-opt as for make wasm. The link check
# tests/wasm/check_wasi_link.sh links once more with libc and compiler-rt
# offered and fails if wasm-ld takes any member of them.
WASM_WASI_DIR := $(BUILD)/wasm-wasi
ifdef WASI_SDK_PATH
WASM_WASI_CXX ?= $(WASI_SDK_PATH)/bin/clang++
WASI_SYSROOT ?= $(WASI_SDK_PATH)/share/wasi-sysroot
else
WASM_WASI_CXX ?= clang++
WASI_SYSROOT ?= /usr
endif
WASM_WASI_CXXFLAGS ?= --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) $(WASM_COMMON_CXXFLAGS)
WASM_WASI_LDFLAGS ?= --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) -flto -Wl,--no-entry -Wl,--strip-debug \
  -Wl,-z,stack-size=$(WASM_STACK_SIZE) -Wl,--max-memory=$(WASM_MAX_MEMORY)
WASM_WASI_OBJECTS := $(call wasm_objects,$(WASM_WASI_DIR))
WASM_WASI_STAMP = $(WASM_WASI_CXX) $(WASM_WASI_CXXFLAGS) $(WASM_WASI_LDFLAGS) $(WASM_HOT) $(WASM_HOT_OPT) $(WASM_COLD_OPT) \
  $(WASM_OPT) $(WASM_OPT_LEVEL)
$(eval $(call wasm_build_rules,$(WASM_WASI_DIR),$(WASM_WASI_CXX) $(WASM_WASI_CXXFLAGS),$(WASM_WASI_STAMP)))
$(WASM_WASI_OBJECTS): | deps-wasi

.PHONY: wasm-wasi deps-wasi
wasm-wasi: $(WASM_WASI_DIR)/router.wasm

# A wasi-sdk brings its own sysroot; without one, Debian's packages.
deps-wasi:
	@[ -n "$(WASI_SDK_PATH)" ] || scripts/bootstrap.sh --quiet --wasi

$(WASM_WASI_DIR)/router.wasm: $(WASM_WASI_OBJECTS) $(WASM_WASI_DIR)/flags tests/wasm/check_wasi_link.sh
	$(WASM_WASI_CXX) $(WASM_WASI_LDFLAGS) -nostdlib $(WASM_WASI_OBJECTS) -o $(WASM_WASI_DIR)/router.linked.wasm
	WASM_WASI_CXX="$(WASM_WASI_CXX)" tests/wasm/check_wasi_link.sh $(WASM_WASI_LDFLAGS) -- $(WASM_WASI_OBJECTS)
ifneq ($(WASM_OPT),)
	$(WASM_OPT) $(WASM_OPT_LEVEL) --enable-bulk-memory --strip-debug --strip-producers $(WASM_WASI_DIR)/router.linked.wasm -o $@
else
	@echo "wasm-opt not found (apt-get install binaryen): router.wasm is not size-optimised"
	cp $(WASM_WASI_DIR)/router.linked.wasm $@
endif
	node tests/wasm/check_imports.mjs $@
	@echo "router.wasm (wasi): $$(wc -c < $@) bytes ($(ROUTES))"

.PHONY: build-check-routes
build-check-routes: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) --target hotpath-check-routes -j $(JOBS)

# The router.wasm test matrix: every build through the same tests, so that a
# difference between toolchains fails. First a report of what may differ
# (size, exact bytes); then the Node wasm suites on each build and
# tests/wasm/ comparing each with the default (vitest.wasm.config.ts: one
# project per build), then the workerd suite on each build. The tests assume
# the default table (ROUTES=bench/c-core.tsv).
WASM_BUILDS := default=$(BUILD)/router.wasm emscripten=$(WASM_EMSCRIPTEN_DIR)/router.wasm wasi=$(WASM_WASI_DIR)/router.wasm
.PHONY: test-wasm-toolchains
test-wasm-toolchains: deps wasm wasm-emscripten wasm-wasi
	@echo "router.wasm builds: $$($(WASM_CXX) --version | head -1); emcc $$($(EMCC) --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
	@reference=$(BUILD)/router.wasm; echo "| build | file | bytes | sha256 | bytes vs default |"; echo "| --- | --- | ---: | --- | --- |"; \
	  for b in $(WASM_BUILDS); do f=$${b#*=}; \
	    if cmp -s $$f $$reference; then same=identical; else same="differ ($$(( $$(wc -c < $$f) - $$(wc -c < $$reference) )) bytes)"; fi; \
	    echo "| $${b%%=*} | $$f | $$(wc -c < $$f) | $$(sha256sum $$f | cut -c1-16) | $$same |"; done
	$(OFFLINE_ENV) HOTPATH_WASM_BUILDS="$(WASM_BUILDS)" npx vitest run --config vitest.wasm.config.ts
	@status=0; for b in $(WASM_BUILDS); do echo "=== workerd suite on $${b%%=*} ($${b#*=})"; \
	  $(OFFLINE_ENV) HOTPATH_WASM=$${b#*=} npx vitest run --config vitest.workers.config.ts || status=1; done; exit $$status

# ns per ABI call of every build, side by side in one run, on Node then Bun
# (npm run bench:wasm-toolchains; README "router.wasm toolchains").
.PHONY: bench-wasm-toolchains
bench-wasm-toolchains: deps wasm wasm-emscripten wasm-wasi
	WASM="$(WASM_BUILDS)" node bench/wasm-abi.mjs
	WASM="$(WASM_BUILDS)" node_modules/.bin/bun bench/wasm-abi.mjs

# x86 instructions per ABI call of every build on Node, counted by callgrind
# (npm run bench:wasm-instructions; about 5 minutes): a noise-free ranking.
.PHONY: bench-wasm-instructions
bench-wasm-instructions: deps wasm wasm-emscripten wasm-wasi
	@command -v valgrind >/dev/null || { echo "valgrind is missing: make bootstrap (as root), or apt-get install valgrind"; exit 1; }
	WASM="$(WASM_BUILDS)" node bench/wasm-instructions.mjs

# wrk and nginx for the HTTP benchmarks (Debian packages; needs root).
bootstrap-bench:
	@if command -v wrk >/dev/null && command -v nginx >/dev/null; then echo "wrk and nginx are installed"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light; \
	else echo "bootstrap-bench: run as root, or: sudo apt-get install wrk nginx-light"; exit 1; fi

bench-native: native
	bench/native-bench.sh

bench-router: build
	@[ -x $(BUILD)/router_bench ] || { echo "router_bench was not built: Google Benchmark (libbenchmark-dev) is missing; make bootstrap installs it"; exit 1; }
	$(BUILD)/router_bench --benchmark_repetitions=$${BENCH_REPEAT:-5} --benchmark_report_aggregates_only=true \
	  --benchmark_counters_tabular=true

native: deps-native $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) --target hotpath-server -j $(JOBS)

# make run [PORT=3000] [HOST=127.0.0.1] [ROUTES=bench/c-core.tsv] [THREADS=N]
PORT ?= 3000
HOST ?= 127.0.0.1
run: native
	$(BUILD)/hotpath-server --config $(ROUTES) --host $(HOST) --port $(PORT)$(if $(THREADS), --threads $(THREADS))

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) dist

# ---- fuzzing -----------------------------------------------------------------
# The libFuzzer targets of tests/fuzz (route-table parser, match+render, HTTP
# parser with split reads, chunked decoder, both Wasm ABIs built natively,
# the fallback protocol's frames and what the proxy does with them)
# under ASan+UBSan, in a build of their own (clang++, HOTPATH_FUZZ=ON; the
# other builds keep their compiler). Each target is a ctest test labelled
# "fuzz" that fuzzes for FUZZ_SECONDS seconds; a crash fails it and is saved
# under $(FUZZ_BUILD)/artifacts/. A line per target gives executions, exec/s
# and seconds. The corpus grows in $(FUZZ_BUILD)/corpus/ across runs.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++

.PHONY: fuzz
$(FUZZ_BUILD)/CMakeCache.txt: CMakeLists.txt tests/fuzz/CMakeLists.txt | deps
	$(CMAKE) -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) \
	  -DHOTPATH_FUZZ=ON -DHOTPATH_BENCH=OFF

fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	$(CMAKE) --build $(FUZZ_BUILD) --target hotpath_fuzzers -j $(JOBS)
	@rm -rf $(FUZZ_BUILD)/fuzz-stats
	@FUZZ_SECONDS=$(FUZZ_SECONDS) $(CTEST) --test-dir $(FUZZ_BUILD) -L fuzz --output-on-failure \
	  --timeout $$(( $(FUZZ_SECONDS) + 300 )); rc=$$?; cat $(FUZZ_BUILD)/fuzz-stats/*.txt 2>/dev/null; exit $$rc

# The differential fuzzer (tests/ts/router/differential.test.ts): random
# tables and targets through the TypeScript router and build/router.wasm,
# any difference fails. `make test` runs a short seeded run; this runs it for
# FUZZ_SECONDS (a time-based seed, printed; DIFF_SEED=N replays one).
.PHONY: fuzz-differential
fuzz-differential: deps wasm
	HOTPATH_DIFF_SECONDS=$(FUZZ_SECONDS) $(if $(DIFF_SEED),HOTPATH_DIFF_SEED=$(DIFF_SEED)) \
	  npx vitest run tests/ts/router/differential.test.ts
