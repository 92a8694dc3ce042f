// Memory for the Wasm build: growable regions at the top of linear memory.
//
// Each Region is one contiguous block that is reused while it is large
// enough and moved to fresh memory (memory.grow) when it is not. Blocks grow
// by at least doubling, so the memory left behind by moves is bounded by the
// live size. Nothing here runs a constructor: all state is zero-initialised.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hotpath::wasm {

struct Region {
  char* data;
  uint32_t capacity;
};

// Makes `region` hold at least `size` bytes (contents are not kept). Returns
// false, leaving the region as it was, when memory cannot grow.
bool reserve(Region& region, uint32_t size);

// The linear-memory primitives everything above is built on. They are the
// only code that needs wasm32 builtins: linear_memory.cpp defines them for
// router.wasm, and a native build of abi/ (tests/fuzz/host_linear_memory.cpp)
// defines them over an ordinary block of memory, so the same ABI code runs
// under libFuzzer and the sanitizers.
constexpr uint32_t kPageSize = 65536;
uintptr_t heap_base();              // first free byte after data and stack
uint64_t memory_bytes();            // addresses [0, memory_bytes()) are memory
bool grow_memory(uint32_t pages);   // memory.grow; false when it cannot

}  // namespace hotpath::wasm
