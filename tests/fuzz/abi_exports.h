// The exports of router.wasm (abi/router_abi.cpp, specified in
// abi/README.md) as a native caller sees them. Pointers are u32 in the ABI;
// natively they are real addresses below 4 GiB (host_linear_memory.cpp).
#pragma once
#include <cstdint>

extern "C" {
uint32_t alloc(uint32_t size);
int64_t handle_path(const char* path, uint32_t length);
uint32_t response_ptr();
uint32_t response_len();
uint32_t response_status();
uint32_t route_request(uint32_t method, const char* target, uint32_t length);
uint32_t response_record();
uint32_t content_type_count();
uint32_t content_type_ptr(uint32_t id);
uint32_t content_type_len(uint32_t id);
uint32_t table_generation();
uint32_t route_count();
uint32_t load_routes(const char* text, uint32_t length);
uint32_t load_builtin_routes();
uint32_t load_error_line();
uint32_t load_error_ptr();
uint32_t load_error_len();
int64_t handle(const char* request, uint32_t length);
}

namespace hotpath::wasm {
// The table compiled in (abi/embed_routes.sh, bench/c-core.tsv).
extern const char kEmbeddedRoutes[];
extern const uint32_t kEmbeddedRoutesLength;
}  // namespace hotpath::wasm
