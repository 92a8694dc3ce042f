#include "wasm_memory.h"

namespace hotpath::wasm {
namespace {

uintptr_t heap_top;  // zero until first use: then heap_base()

char* take(uint32_t size) {
  if (heap_top == 0) heap_top = heap_base();
  uintptr_t start = (heap_top + 15) & ~uintptr_t{15};
  uintptr_t end = start + size;
  if (end < start) return nullptr;
  uintptr_t have = static_cast<uintptr_t>(memory_bytes());
  if (end > have) {
    uintptr_t pages = (end - have + kPageSize - 1) / kPageSize;
    if (!grow_memory(static_cast<uint32_t>(pages))) return nullptr;
  }
  heap_top = end;
  return reinterpret_cast<char*>(start);
}

}  // namespace

bool reserve(Region& region, uint32_t size) {
  if (size <= region.capacity) return true;
  uint32_t want = region.capacity > 0x7FFFFFFFu ? 0xFFFFFFFFu : region.capacity * 2;
  if (want < size) want = size;
  if (want < 1024) want = 1024;
  char* block = take(want);
  if (!block && want > size) block = take(want = size);  // doubling failed: exact size
  if (!block) return false;
  region.data = block;
  region.capacity = want;
  return true;
}

}  // namespace hotpath::wasm
