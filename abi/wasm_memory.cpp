#include "wasm_memory.h"

extern "C" char __heap_base;  // first free byte after data and stack (wasm-ld)

namespace hotpath::wasm {
namespace {

constexpr uint32_t kPage = 65536;
uintptr_t heap_top;  // zero until first use: then &__heap_base

char* take(uint32_t size) {
  if (heap_top == 0) heap_top = reinterpret_cast<uintptr_t>(&__heap_base);
  uintptr_t start = (heap_top + 15) & ~uintptr_t{15};
  uintptr_t end = start + size;
  if (end < start) return nullptr;
  uintptr_t have = static_cast<uintptr_t>(__builtin_wasm_memory_size(0)) * kPage;
  if (end > have) {
    uintptr_t pages = (end - have + kPage - 1) / kPage;
    if (__builtin_wasm_memory_grow(0, pages) == static_cast<size_t>(-1)) return nullptr;
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
