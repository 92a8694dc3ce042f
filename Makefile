# Hotpath build and test entry points. Native C++ goes through CMake (build/,
# build-asan/); the wasm32 check runs as one of its tests.
#   make            build everything buildable (library, tests, benchmarks)
#   make test       all tests (C++ unit tests, shared vectors, wasm32 link)
#   make test-asan  the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench-router  ns per lookup of the C++ matcher (Google Benchmark)
#   make bootstrap  install what is missing (apt packages as root; npm ci)
#   make run        serve bench/c-core.tsv on port 3000 (needs the native server)
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

.PHONY: all build test test-asan bench-router bootstrap deps run clean

all: build

# Every entry point installs what is missing first, so `make test` and
# `make run` are all the set-up a fresh Debian machine needs.
deps:
	@scripts/bootstrap.sh --quiet

bootstrap:
	scripts/bootstrap.sh

$(BUILD)/CMakeCache.txt: | deps
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_CXX)

build: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

test: build
	$(CTEST) --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	$(CMAKE) -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHOTPATH_SANITIZE=ON $(CMAKE_CXX)

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(CTEST) --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

bench-router: build
	$(BUILD)/router_bench --benchmark_repetitions=$${BENCH_REPEAT:-5} --benchmark_report_aggregates_only=true \
	  --benchmark_counters_tabular=true

run:
	@if [ ! -x $(BUILD)/hotpath-server ]; then \
	  echo "make run: the native server (build/hotpath-server) is not part of this build yet;"; \
	  echo "it arrives with the native-server work (see README, 'Status')."; exit 1; \
	fi
	$(BUILD)/hotpath-server --config bench/c-core.tsv --port 3000

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
