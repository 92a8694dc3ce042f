#include "builtin_routes.h"

#include "wasm_memory.h"

namespace hotpath::wasm {

// Generated from the route table at build time (abi/embed_routes.sh).
extern const char kEmbeddedRoutes[];
extern const uint32_t kEmbeddedRoutesLength;

namespace {

// volatile: read from memory at run time, so that a rewritten descriptor is
// what counts (with LTO, a const object would be folded into the code).
// Constant-initialised: addresses only, no constructor.
__attribute__((used)) const volatile BuiltinRoutesDescriptor kDescriptor = {
    HOTPATH_BUILTIN_ROUTES_MAGIC, kEmbeddedRoutes, &kEmbeddedRoutesLength};

}  // namespace

BuiltinRoutes builtin_routes() {
  const char* data = kDescriptor.data;
  const uint32_t* length = kDescriptor.length;
  const uint64_t top = memory_bytes();
  if (reinterpret_cast<uintptr_t>(length) + uint64_t{4} > top) return BuiltinRoutes{nullptr, 0, false};
  const uint32_t n = *length;
  if (reinterpret_cast<uintptr_t>(data) + uint64_t{n} > top) return BuiltinRoutes{nullptr, 0, false};
  return BuiltinRoutes{data, n, true};
}

uintptr_t builtin_routes_end() {
  BuiltinRoutes table = builtin_routes();
  return table.in_memory ? reinterpret_cast<uintptr_t>(table.data) + table.length : 0;
}

}  // namespace hotpath::wasm
