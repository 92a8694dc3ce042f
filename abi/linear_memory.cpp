// The wasm32 definitions of the linear-memory primitives (wasm_memory.h).
// Kept apart from the region logic so that a native build can swap this one
// file (see tests/fuzz/host_linear_memory.cpp); with -flto they inline.
#include "builtin_routes.h"
#include "wasm_memory.h"

extern "C" char __heap_base;  // first free byte after data and stack (wasm-ld)

namespace hotpath::wasm {

// A table baked in after linking (`hotpath wasm`) lies above __heap_base.
uintptr_t heap_base() {
  uintptr_t base = reinterpret_cast<uintptr_t>(&__heap_base);
  uintptr_t table_end = builtin_routes_end();
  return table_end > base ? table_end : base;
}

uint64_t memory_bytes() { return static_cast<uint64_t>(__builtin_wasm_memory_size(0)) * kPageSize; }

bool grow_memory(uint32_t pages) { return __builtin_wasm_memory_grow(0, pages) != static_cast<size_t>(-1); }

}  // namespace hotpath::wasm
