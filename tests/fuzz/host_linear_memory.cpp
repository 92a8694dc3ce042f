// Native stand-in for wasm32 linear memory, so abi/ (written for wasm32)
// builds and runs natively under libFuzzer and the sanitizers. It defines
// the three primitives of abi/wasm_memory.h that abi/linear_memory.cpp
// defines with wasm builtins for router.wasm; the region logic
// (abi/wasm_memory.cpp) and every export are the real code.
//
// The ABI hands addresses to its host as u32 (alloc, the packed i64 of
// handle_path and handle, response_record, ...), so every address it hands
// out must fit in 32 bits natively too: the memory is a static block, and
// the harness executables are linked without PIE so that it, and the ABI's
// own static data, sit below 4 GiB (checked at first use). As in wasm,
// addresses [0, memory_bytes()) count as memory: the static data first,
// then the heap grown page by page.
//
// Under ASan the block above the grown pages is poisoned: a read or write
// past the top of memory, which traps in wasm, is reported natively too.
#include <cstdio>
#include <cstdlib>

#include "host_linear_memory.h"
#include "wasm_memory.h"

#if defined(__SANITIZE_ADDRESS__)
#define HOTPATH_FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOTPATH_FUZZ_ASAN 1
#endif
#endif
#ifdef HOTPATH_FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace {

using hotpath::wasm::kPageSize;

// 256 MiB: far above what any fuzz input needs (regions at most double the
// largest request or table), small enough to stay below 4 GiB. Zero pages in
// .bss cost nothing until touched.
constexpr uint64_t kMaxBytes = uint64_t{256} << 20;
constexpr uint32_t kMaxPages = static_cast<uint32_t>(kMaxBytes / kPageSize);
alignas(65536) char g_memory[kMaxBytes];
uint32_t g_pages;
bool g_frozen;
bool g_ready;

uintptr_t base() {
  if (!g_ready) {
    g_ready = true;
    uint64_t end = reinterpret_cast<uintptr_t>(g_memory) + kMaxBytes;
    if (end > 0xFFFFFFFFu) {
      std::fprintf(stderr,
                   "host_linear_memory: memory ends at %#llx, above 4 GiB: link the ABI harness with -no-pie\n",
                   static_cast<unsigned long long>(end));
      std::abort();
    }
#ifdef HOTPATH_FUZZ_ASAN
    __asan_poison_memory_region(g_memory, kMaxBytes);
#endif
  }
  return reinterpret_cast<uintptr_t>(g_memory);
}

}  // namespace

namespace hotpath::wasm {

uintptr_t heap_base() { return base(); }

uint64_t memory_bytes() { return base() + static_cast<uint64_t>(g_pages) * kPageSize; }

bool grow_memory(uint32_t pages) {
  base();
  if (g_frozen || pages > kMaxPages - g_pages) return false;
#ifdef HOTPATH_FUZZ_ASAN
  __asan_unpoison_memory_region(g_memory + static_cast<uint64_t>(g_pages) * kPageSize,
                                static_cast<uint64_t>(pages) * kPageSize);
#endif
  g_pages += pages;
  return true;
}

}  // namespace hotpath::wasm

namespace hotpath::fuzz {

void freeze_linear_memory(bool frozen) { g_frozen = frozen; }

}  // namespace hotpath::fuzz
