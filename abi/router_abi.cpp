// The exports of router.wasm: the fast ABI and its extensions, the
// compatibility ABI, and run-time table loading. Specified in abi/README.md.
//
// All state is static and zero- or constant-initialised (no constructors, so
// wasm-ld does not wrap the exports). The route table compiled in at build
// time is parsed on first use.
#include "../router/router.h"
#include "builtin_routes.h"
#include "compat_format.h"
#include "wasm_memory.h"

#define HOTPATH_EXPORT(name) extern "C" __attribute__((export_name(#name), visibility("default")))

namespace hotpath::wasm {

namespace {

// What the last route_request / handle_path answered. The adapter reads it
// through response_record() with one typed-array view instead of one call
// per field. Layout (all little-endian u32) is part of the ABI.
struct ResponseRecord {
  uint32_t body_ptr;
  uint32_t body_len;
  uint32_t status;
  uint32_t allow;            // MethodMask: bit 0 GET ... bit 6 OPTIONS
  uint32_t content_type_id;  // index for content_type_ptr/len
  uint32_t head;             // 1 when the request was HEAD: send no body
  uint32_t generation;       // table_generation() of the table that answered
};

const char kInternalError[] = "Internal Server Error";

Region input;         // alloc()
Region rendered;      // bodies with placeholders
Region compat;        // handle() output
Region arenas[2];     // the live table and the one being loaded
uint32_t live_arena;
bool table_ready;
bool builtin_failed;  // the built-in table did not load at start
RouteTable table;
uint32_t generation;
LoadError last_error;
ResponseRecord record;
char scratch[kMaxTargetLength];

void set_error(const char* message) {
  last_error = LoadError{};
  uint32_t n = 0;
  while (message[n] && n < kMaxErrorMessage) {
    last_error.message[n] = message[n];
    ++n;
  }
  last_error.message_length = n;
}

bool load(const char* text, uint32_t length) {
  uint32_t slot = 1 - live_arena;
  uint32_t size = static_cast<uint32_t>(suggested_arena_size(length) > 0x7FFFFFFFu ? 0x7FFFFFFFu
                                                                                   : suggested_arena_size(length));
  for (;;) {
    if (!reserve(arenas[slot], size)) {
      set_error("out of memory: cannot grow wasm memory for the route table");
      last_error.out_of_memory = true;
      return false;
    }
    Arena arena{arenas[slot].data, arenas[slot].capacity, 0};
    RouteTable loaded;
    if (parse_route_table(text, length, arena, &loaded, &last_error)) {
      table = loaded;
      live_arena = slot;
      table_ready = true;
      ++generation;
      last_error.message_length = 0;
      last_error.line = 0;
      return true;
    }
    if (!last_error.out_of_memory || size >= 0x40000000u) return false;
    size *= 2;
  }
}

bool load_builtin() {
  BuiltinRoutes builtin = builtin_routes();
  if (!builtin.in_memory) {
    set_error("the built-in route table is outside wasm memory");
    return false;
  }
  return load(builtin.data, builtin.length);
}

void ensure_table() {
  if (table_ready) return;
  if (!load_builtin()) {
    // Checked when it was built in (make wasm, hotpath wasm), so memory, or
    // a module altered since, fails here: serve an empty table (every path
    // 404), say so through builtin_routes_status, keep the error readable.
    builtin_failed = true;
    LoadError kept = last_error;
    load("", 0);
    last_error = kept;
  }
}

bool in_memory(uint32_t ptr, uint32_t len) {
  return static_cast<uint64_t>(ptr) + len <= memory_bytes();
}

// Routes one request and fills `record`. Returns the status.
uint32_t route(RequestMethod method, const char* target, uint32_t length) {
  ensure_table();
  Match match;
  if (!in_memory(reinterpret_cast<uintptr_t>(target), length)) {
    target = "";  // not our memory: answer 400 rather than trap
    length = 0;
  }
  match_request(table.root, method, target, length, scratch, &match);
  const Route& r = *match.route;
  record.status = match.status;
  record.allow = match.allow;
  record.content_type_id = r.content_type_id;
  record.head = match.head ? 1 : 0;
  record.generation = generation;
  if (r.parts == nullptr) {  // static body: point at the table itself
    record.body_ptr = reinterpret_cast<uintptr_t>(r.body.data);
    record.body_len = r.body.size;
    return record.status;
  }
  uint32_t size = body_size(r, match.params);
  if (!reserve(rendered, size)) {
    record.status = 500;
    record.allow = 0;
    record.content_type_id = 0;
    record.body_ptr = reinterpret_cast<uintptr_t>(kInternalError);
    record.body_len = sizeof kInternalError - 1;
    return record.status;
  }
  render_body(r, match.params, rendered.data, rendered.capacity);
  record.body_ptr = reinterpret_cast<uintptr_t>(rendered.data);
  record.body_len = size;
  return record.status;
}

int64_t packed_body() {
  return static_cast<int64_t>((static_cast<uint64_t>(record.body_ptr) << 32) | record.body_len);
}

}  // namespace
}  // namespace hotpath::wasm

using namespace hotpath;
using namespace hotpath::wasm;

// ---- Fast ABI (as @hotpath/server 0.1.0) ----

HOTPATH_EXPORT(alloc) uint32_t alloc(uint32_t size) {
  if (size > 0x7FFFFFFFu) return 0;
  return reserve(input, size ? size : 1) ? reinterpret_cast<uintptr_t>(input.data) : 0;
}

HOTPATH_EXPORT(handle_path) int64_t handle_path(const char* path, uint32_t length) {
  route(kGet, path, length);
  return packed_body();
}

HOTPATH_EXPORT(response_ptr) uint32_t response_ptr() { return record.body_ptr; }
HOTPATH_EXPORT(response_len) uint32_t response_len() { return record.body_len; }
HOTPATH_EXPORT(response_status) uint32_t response_status() { return record.status; }

// ---- Fast ABI extensions ----

HOTPATH_EXPORT(route_request) uint32_t route_request(uint32_t method, const char* target, uint32_t length) {
  return route(method < kRequestMethodCount ? static_cast<RequestMethod>(method) : kOther, target, length);
}

HOTPATH_EXPORT(response_record) uint32_t response_record() { return reinterpret_cast<uintptr_t>(&record); }

HOTPATH_EXPORT(content_type_count) uint32_t content_type_count() {
  ensure_table();
  return table.content_type_count;
}
HOTPATH_EXPORT(content_type_ptr) uint32_t content_type_ptr(uint32_t id) {
  ensure_table();
  return id < table.content_type_count ? reinterpret_cast<uintptr_t>(table.content_types[id].data) : 0;
}
HOTPATH_EXPORT(content_type_len) uint32_t content_type_len(uint32_t id) {
  ensure_table();
  return id < table.content_type_count ? table.content_types[id].size : 0;
}

HOTPATH_EXPORT(table_generation) uint32_t table_generation() {
  ensure_table();
  return generation;
}
HOTPATH_EXPORT(route_count) uint32_t route_count() {
  ensure_table();
  return table.route_count;
}

// ---- Run-time tables ----

HOTPATH_EXPORT(load_routes) uint32_t load_routes(const char* text, uint32_t length) {
  ensure_table();
  if (!in_memory(reinterpret_cast<uintptr_t>(text), length)) {
    set_error("route table is outside wasm memory");
    return 1;
  }
  return load(text, length) ? 0 : 1;
}
HOTPATH_EXPORT(load_builtin_routes) uint32_t load_builtin_routes() {
  ensure_table();
  return load_builtin() ? 0 : 1;
}
HOTPATH_EXPORT(builtin_routes_status) uint32_t builtin_routes_status() {
  ensure_table();
  return builtin_failed ? 1 : 0;
}
HOTPATH_EXPORT(load_error_line) uint32_t load_error_line() { return last_error.line; }
HOTPATH_EXPORT(load_error_ptr) uint32_t load_error_ptr() { return reinterpret_cast<uintptr_t>(last_error.message); }
HOTPATH_EXPORT(load_error_len) uint32_t load_error_len() { return last_error.message_length; }

// ---- Compatibility ABI ----

HOTPATH_EXPORT(handle) int64_t handle(const char* request, uint32_t length) {
  CompatRequest req{};
  if (!in_memory(reinterpret_cast<uintptr_t>(request), length)) length = 0;
  if (parse_compat_request(request, length, &req)) {
    route(request_method_from_token(req.method, req.method_length), req.target, req.target_length);
  } else {
    route(kGet, "", 0);  // answers 400
  }
  Slice content_type = table.content_types[record.content_type_id];
  char allow[kMaxAllowLength];
  uint32_t allow_length = record.status == 405 ? format_allow(static_cast<MethodMask>(record.allow), allow, sizeof allow) : 0;
  CompatResponse out{record.status, content_type, Slice{allow, allow_length},
                     Slice{reinterpret_cast<const char*>(static_cast<uintptr_t>(record.body_ptr)), record.body_len},
                     record.head != 0};
  uint32_t size = compat_response_size(out);
  if (!reserve(compat, size)) {
    record.body_len = 0;
    return 0;  // (ptr 0, len 0): nothing could be written
  }
  write_compat_response(out, compat.data);
  return static_cast<int64_t>((static_cast<uint64_t>(reinterpret_cast<uintptr_t>(compat.data)) << 32) | size);
}
