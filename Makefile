# Hotpath build and test entry points. Native C++ goes through CMake (build/,
# build-asan/); the wasm32 check runs as one of its tests.
#   make            build everything buildable (library, tests, benchmarks)
#   make test       all tests: test-cpp (C++ unit tests, shared vectors, wasm32
#                   link) and test-ts (no import cycle in adapters/; typecheck;
#                   Vitest on Node with the real router.wasm, wrangler dev;
#                   Vitest inside workerd)
#   make wasm       build/router.wasm with ROUTES (default bench/c-core.tsv)
#   make test-asan  the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-valgrind  hotpath-server under valgrind memcheck (socket suites)
#   make test-load  load and fault tests of hotpath-server (not in make test)
#   make fuzz       libFuzzer targets (tests/fuzz) under ASan+UBSan, FUZZ_SECONDS (60) each
#   make fuzz-differential  the TypeScript router against router.wasm, FUZZ_SECONDS
#   make bench-router  ns per lookup of the C++ matcher (Google Benchmark)
#   make bootstrap  install what is missing (apt packages as root; npm ci)
#   make native     build/hotpath-server
#   make run        serve bench/c-core.tsv on 127.0.0.1:3000
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

.PHONY: all build native bench-native bootstrap-bench test test-cpp test-ts test-asan test-valgrind test-load bench-router bootstrap deps run clean wasm FORCE

all: build wasm

# Every entry point installs what is missing first, so `make test` and
# `make run` are all the set-up a fresh Debian machine needs.
deps:
	@scripts/bootstrap.sh --quiet

bootstrap:
	scripts/bootstrap.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_CXX)

build: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

test: test-cpp test-ts

test-cpp: build
	$(CTEST) --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# wrangler and workerd stay offline (no metrics, no cf fetch, no banner).
OFFLINE_ENV := WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false

test-ts: deps wasm native
	node scripts/check-import-cycles.mjs adapters
	npx tsc --noEmit -p .
	$(OFFLINE_ENV) npx vitest run
	$(OFFLINE_ENV) npx vitest run --config vitest.workers.config.ts

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
	HOTPATH_SERVER_BINARY=$(CURDIR)/$(ASAN_BUILD)/hotpath-server \
	  ASAN_OPTIONS=detect_leaks=1:log_path=$(CURDIR)/$(ASAN_BUILD)/reports/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(ASAN_BUILD)/reports/ubsan \
	  npx vitest run tests/ts/native/http.test.ts tests/ts/native/vectors.test.ts tests/ts/native/c-server.test.ts
	@if [ -n "$$(ls -A $(ASAN_BUILD)/reports)" ]; then cat $(ASAN_BUILD)/reports/*; echo "sanitizer reports above"; exit 1; fi
	@echo "hotpath-server under ASan+UBSan: no sanitizer reports"

# hotpath-server (the Release build) under valgrind memcheck, through
# scripts/valgrind-server.sh, over the routing vectors and the HTTP framing
# and smuggling cases (about 2 minutes). Any memcheck error or definite leak
# fails it: the server exits 99 (so its test fails), and every log in
# $(VALGRIND_REPORTS) must say "ERROR SUMMARY: 0 errors".
VALGRIND_REPORTS := $(BUILD)/valgrind
VALGRIND_HTTP_CASES := smuggling|request line and header syntax|methods, targets and bodies|answers and keep-alive|max-body-bytes|SIGTERM with requests in flight
test-valgrind: deps native
	@command -v valgrind >/dev/null || { echo "valgrind is missing: make bootstrap (as root), or apt-get install valgrind"; exit 1; }
	rm -rf $(VALGRIND_REPORTS) && mkdir -p $(VALGRIND_REPORTS)
	@status=0; export HOTPATH_SERVER_BINARY=$(CURDIR)/scripts/valgrind-server.sh HOTPATH_VALGRIND_REPORTS=$(CURDIR)/$(VALGRIND_REPORTS); \
	  npx vitest run tests/ts/native/vectors.test.ts || status=1; \
	  npx vitest run tests/ts/native/http.test.ts -t '$(VALGRIND_HTTP_CASES)' || status=1; \
	  logs=$$(ls $(VALGRIND_REPORTS)/*.log 2>/dev/null | wc -l); [ "$$logs" -gt 0 ] || { echo "no valgrind logs in $(VALGRIND_REPORTS)"; exit 1; }; \
	  bad=$$(grep -L 'ERROR SUMMARY: 0 errors' $(VALGRIND_REPORTS)/*.log); \
	  if [ -n "$$bad" ]; then cat $$bad; echo "memcheck errors (or an unfinished log) above: $$bad"; exit 1; fi; \
	  [ $$status = 0 ] || { echo "socket suites failed under valgrind"; exit 1; }; \
	  echo "hotpath-server under valgrind memcheck: $$logs processes, 0 errors, no definite leaks"

# Load and fault tests of hotpath-server on 127.0.0.1 (10,000 connections,
# wrk, slowloris, resets, SIGTERM under load): about 1-2 minutes, so not part
# of `make test`. WRK_SECONDS (default 30) shortens the wrk run.
test-load: deps native
	@command -v wrk >/dev/null || { echo "wrk is missing: make bootstrap (as root), or apt-get install wrk"; exit 1; }
	npx vitest run --config vitest.load.config.ts

# ---- router.wasm -------------------------------------------------------------
# Compiled with clang --target=wasm32 (or a wasi-sdk at WASI_SDK_PATH), linked
# without -O so clang never runs wasm-opt itself, then optimised by Binaryen's
# wasm-opt when it is installed.
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
WASM_CXXFLAGS ?= --target=wasm32 -std=c++17 -flto -ffreestanding -nostdlib -fno-exceptions -fno-rtti \
  -mbulk-memory -fvisibility=hidden -Wall -Wextra -Werror
# The matcher is optimised with -Os, everything else (table loading, ABI glue)
# with -Oz, all linked with LTO: 16 KB in all, and as fast per request as -O2
# in V8 (measured with bench/wasm-abi.mjs; see README "router.wasm").
WASM_HOT ?= router/match.cpp
WASM_HOT_OPT ?= -Os
WASM_COLD_OPT ?= -Oz
WASM_SOURCES := $(wildcard router/*.cpp) $(wildcard abi/*.cpp)
WASM_OBJECTS := $(patsubst %.cpp,$(WASM_DIR)/obj/%.o,$(WASM_SOURCES)) $(WASM_DIR)/obj/embedded_routes.o

WASM_FLAGS_STAMP = $(WASM_CXX) $(WASM_CXXFLAGS) $(WASM_HOT) $(WASM_HOT_OPT) $(WASM_COLD_OPT) \
  $(WASM_MAX_MEMORY) $(WASM_OPT) $(WASM_OPT_LEVEL)

wasm: $(BUILD)/router.wasm

$(WASM_DIR)/obj/%.o: %.cpp $(wildcard router/*.h abi/*.h) $(WASM_DIR)/flags
	@mkdir -p $(dir $@)
	$(WASM_CXX) $(WASM_CXXFLAGS) $(if $(filter $<,$(WASM_HOT)),$(WASM_HOT_OPT),$(WASM_COLD_OPT)) -c $< -o $@

# Rebuild objects when the flags change, and the embedded table when ROUTES
# names another file.
$(WASM_DIR)/flags: FORCE
	@mkdir -p $(WASM_DIR)
	@echo "$(WASM_FLAGS_STAMP)" | cmp -s - $@ || echo "$(WASM_FLAGS_STAMP)" > $@

$(WASM_DIR)/routes-source: FORCE
	@mkdir -p $(WASM_DIR)
	@echo "$(ROUTES)" | cmp -s - $@ || echo "$(ROUTES)" > $@

$(WASM_DIR)/embedded_routes.cpp: $(ROUTES) $(WASM_DIR)/routes-source abi/embed_routes.sh | build-check-routes
	$(BUILD)/hotpath-check-routes $(ROUTES)
	abi/embed_routes.sh $(ROUTES) $@

$(WASM_DIR)/obj/embedded_routes.o: $(WASM_DIR)/embedded_routes.cpp
	@mkdir -p $(dir $@)
	$(WASM_CXX) $(WASM_CXXFLAGS) -Oz -c $< -o $@

$(BUILD)/router.wasm: $(WASM_OBJECTS) $(WASM_DIR)/flags
	$(WASM_LD) --no-entry --strip-debug -z stack-size=65536 --max-memory=$(WASM_MAX_MEMORY) $(WASM_OBJECTS) -o $(WASM_DIR)/router.linked.wasm
ifneq ($(WASM_OPT),)
	$(WASM_OPT) $(WASM_OPT_LEVEL) --enable-bulk-memory --strip-debug --strip-producers $(WASM_DIR)/router.linked.wasm -o $@
else
	@echo "wasm-opt not found (apt-get install binaryen): router.wasm is not size-optimised"
	cp $(WASM_DIR)/router.linked.wasm $@
endif
	@echo "router.wasm: $$(wc -c < $@) bytes ($(ROUTES))"

.PHONY: build-check-routes
build-check-routes: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) --target hotpath-check-routes -j $(JOBS)

# wrk and nginx for the HTTP benchmarks (Debian packages; needs root).
bootstrap-bench:
	@if command -v wrk >/dev/null && command -v nginx >/dev/null; then echo "wrk and nginx are installed"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light; \
	else echo "bootstrap-bench: run as root, or: sudo apt-get install wrk nginx-light"; exit 1; fi

bench-native: native
	bench/native-bench.sh

bench-router: build
	$(BUILD)/router_bench --benchmark_repetitions=$${BENCH_REPEAT:-5} --benchmark_report_aggregates_only=true \
	  --benchmark_counters_tabular=true

native: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) --target hotpath-server -j $(JOBS)

run: native
	$(BUILD)/hotpath-server --config bench/c-core.tsv --host 127.0.0.1 --port 3000

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) dist

# ---- fuzzing -----------------------------------------------------------------
# The libFuzzer targets of tests/fuzz (route-table parser, match+render, HTTP
# parser with split reads, chunked decoder, both Wasm ABIs built natively)
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
