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

}  // namespace hotpath::wasm
