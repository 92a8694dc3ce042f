// Test hooks of the native stand-in for wasm32 linear memory
// (host_linear_memory.cpp). The ABI itself sees only wasm_memory.h.
#pragma once

namespace hotpath::fuzz {

// While frozen, memory.grow fails, as when a Wasm instance reaches its
// maximum: the ABI's out-of-memory answers can then be checked.
void freeze_linear_memory(bool frozen);

}  // namespace hotpath::fuzz
