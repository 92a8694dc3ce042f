// Bump allocator over memory the caller hands in. The core never allocates on
// its own: a route table lives entirely inside one Arena, and dropping the
// arena drops the table. When the arena is too small, allocation fails and the
// loader reports "out of memory"; callers retry with a larger block (see
// load_routes in table.h), which keeps the core free of any heap.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hotpath {

struct Arena {
  char* base;
  size_t capacity;
  size_t used;

  // Returns zeroed, aligned memory, or nullptr when the arena is exhausted.
  void* allocate(size_t size, size_t align) {
    size_t start = (used + (align - 1)) & ~(align - 1);
    if (start < used || start > capacity || size > capacity - start) return nullptr;
    char* p = base + start;
    for (size_t i = 0; i < size; ++i) p[i] = 0;
    used = start + size;
    return p;
  }

  template <typename T>
  T* allocate_array(size_t count) {
    if (count > (static_cast<size_t>(-1) / sizeof(T))) return nullptr;
    return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
  }
};

}  // namespace hotpath
