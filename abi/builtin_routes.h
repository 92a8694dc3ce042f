// The route table a module serves from its first call until load_routes:
// compiled in by `make wasm` (abi/embed_routes.sh), or baked into an already
// built router.wasm by `hotpath wasm`, which needs no compiler: it appends
// the table as a data segment above all other memory and repoints the
// descriptor below (abi/README.md, "Built-in table").
#pragma once
#include <stdint.h>

namespace hotpath::wasm {

// 16 bytes with the NUL: how a tool finds the descriptor in the module's
// data. The 0xFF byte cannot occur in a valid (UTF-8) route table.
#define HOTPATH_BUILTIN_ROUTES_MAGIC "\xffHOTPATH-TABLE1"

// Laid out as in abi/README.md: on wasm32, 16 magic bytes, then the table's
// address, then the address of its u32 length (24 bytes).
struct BuiltinRoutesDescriptor {
  char magic[16];
  const char* data;
  const uint32_t* length;
};

struct BuiltinRoutes {
  const char* data;
  uint32_t length;
  bool in_memory;  // false: the descriptor points outside linear memory
};

// The table the descriptor names now, checked against linear memory.
BuiltinRoutes builtin_routes();

// The first byte after it (0 when it is outside memory): a baked table lies
// above __heap_base, so the heap starts after it.
uintptr_t builtin_routes_end();

}  // namespace hotpath::wasm
