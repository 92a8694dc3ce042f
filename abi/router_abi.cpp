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
  uint32_t status;           // 0 for a handler route: the host's handler answers
  uint32_t allow;            // MethodMask: bit 0 GET ... bit 6 OPTIONS
  uint32_t content_type_id;  // index for content_type_ptr/len
  uint32_t head;             // 1 when the request was HEAD: send no body
  uint32_t generation;       // table_generation() of the table that answered
  uint32_t route;            // the matched route's index, 0xFFFFFFFF for the router's own answers
  uint32_t handler;          // 1: a handler route (call the host's handler for `route`)
  uint32_t header_set;       // extra fields (header_set_text); 0: none
  uint32_t echo_ptr;         // Access-Control-Allow-Headers to add (echo_len 0: none)
  uint32_t echo_len;
  uint32_t param_count;      // decoded parameters of `route`
  uint32_t params_ptr;       // param_count pairs of u32 (ptr, len), in path order
};

constexpr uint32_t kNoRoute = 0xFFFFFFFFu;

const char kInternalError[] = "Internal Server Error";

Region input;         // alloc()
Region rendered;      // bodies with placeholders
Region compat;        // handle() output
Region set_text;      // header_set_text() output
Region echo_text;     // a joined Access-Control-Request-Headers
Region arenas[2];     // the live table and the one being loaded
uint32_t live_arena;
bool table_ready;
bool builtin_failed;  // the built-in table did not load at start
RouteTable table;
uint32_t generation;
LoadError last_error;
ResponseRecord record;
uint32_t params[kMaxParams * 2];
char scratch[kMaxTargetLength];
HeaderField fields[kMaxHeaderFields];

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

uint32_t address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

bool memory_failed;  // the last route() answered 500 because memory could not grow

void answer_500() {
  memory_failed = true;
  record.status = 500;
  record.allow = 0;
  record.content_type_id = 0;
  record.handler = 0;
  record.body_ptr = address(kInternalError);
  record.body_len = sizeof kInternalError - 1;
}

// Routes one request and fills `record` (and *head_out when given).
// `handlers`: whether the caller runs handler routes (route_request does;
// handle_path and handle cannot, so those answer 502).
// A request the host handed over wrongly (a range outside memory, a
// malformed header block): a plain 400, without the directives, which
// would judge a request never read.
uint32_t host_error(AnswerHead* head_out) {
  const Route& r = bad_request_route();
  record = ResponseRecord{};
  record.status = 400;
  record.body_ptr = address(r.body.data);
  record.body_len = r.body.size;
  record.generation = generation;
  record.route = kNoRoute;
  record.params_ptr = address(params);
  if (head_out) {
    Match match{};
    match.route = &r;
    match.status = 400;
    describe_answer(table, match, DirectiveOutcome{0, 0, false}, false, head_out);
  }
  return record.status;
}

uint32_t route(RequestMethod method, const char* target, uint32_t length, const HeaderField* request_fields,
               uint32_t field_count, bool handlers, AnswerHead* head_out = nullptr) {
  ensure_table();
  if (!in_memory(address(target), length)) return host_error(head_out);  // not our memory: 400, never a trap
  Match match;
  AnswerHead head;
  memory_failed = false;
  answer_request(table, method, target, length, scratch, request_fields, field_count, handlers, &match, &head);
  if (head_out) *head_out = head;
  record.status = head.status;
  record.allow = head.allow;
  record.content_type_id = head.content_type_id;
  record.head = match.head ? 1 : 0;
  record.generation = generation;
  record.route = match.route->line ? match.route->index : kNoRoute;
  record.handler = head.handler ? 1 : 0;
  record.header_set = head.header_set;
  record.echo_ptr = 0;
  record.echo_len = 0;
  record.param_count = match.param_count;
  for (uint32_t i = 0; i < match.param_count; ++i) {
    params[2 * i] = address(match.params[i].data);
    params[2 * i + 1] = match.params[i].size;
  }
  record.params_ptr = address(params);
  if (head.echo) {
    Slice name = table.needed_headers[table.cors->headers_field];
    uint32_t n = joined_field_value(request_fields, field_count, name, nullptr, 0);
    if (!reserve(echo_text, n)) {
      answer_500();
      return record.status;
    }
    joined_field_value(request_fields, field_count, name, echo_text.data, echo_text.capacity);
    record.echo_ptr = address(echo_text.data);
    record.echo_len = n;
  }
  if (head.handler) {
    record.body_ptr = 0;
    record.body_len = 0;
    return record.status;
  }
  const Route& r = *head.route;
  if (r.parts == nullptr) {  // static body: point at the table itself
    record.body_ptr = address(r.body.data);
    record.body_len = r.body.size;
    return record.status;
  }
  // describe_answer measured the body for its Content-Length; a 204 or 304
  // has none, so its body (empty: the table refuses any other) is measured
  // here.
  uint32_t size = head.has_content_length ? head.content_length : body_size(r, match.params);
  if (!reserve(rendered, size)) {
    answer_500();
    return record.status;
  }
  write_body(r, match.params, rendered.data);
  record.body_ptr = address(rendered.data);
  record.body_len = size;
  return record.status;
}

// The header block of route_request_headers: for each needed header, in
// needed-header order, a u32 LE length (0xFFFFFFFF: absent) then its bytes.
// Returns the number of fields, or -1 for a malformed block.
int32_t read_header_block(const char* block, uint32_t length) {
  if (!in_memory(address(block), length)) return -1;
  uint32_t at = 0;
  uint32_t count = 0;
  for (uint32_t i = 0; i < table.needed_header_count; ++i) {
    if (length - at < 4) return at == length ? static_cast<int32_t>(count) : -1;  // the rest: absent
    const uint8_t* p = reinterpret_cast<const uint8_t*>(block + at);
    uint32_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    at += 4;
    if (n == 0xFFFFFFFFu) continue;
    if (n > length - at) return -1;
    fields[count++] = HeaderField{table.needed_headers[i], Slice{block + at, n}};
    at += n;
  }
  return static_cast<int32_t>(count);
}

int64_t packed(uint32_t ptr, uint32_t len) {
  return static_cast<int64_t>((static_cast<uint64_t>(ptr) << 32) | len);
}

int64_t packed_body() { return packed(record.body_ptr, record.body_len); }

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
  route(kGet, path, length, nullptr, 0, false);
  return packed_body();
}

HOTPATH_EXPORT(response_ptr) uint32_t response_ptr() { return record.body_ptr; }
HOTPATH_EXPORT(response_len) uint32_t response_len() { return record.body_len; }
HOTPATH_EXPORT(response_status) uint32_t response_status() { return record.status; }

// ---- Fast ABI extensions ----

RequestMethod method_of(uint32_t code) {
  return code < kRequestMethodCount ? static_cast<RequestMethod>(code) : kOther;
}

HOTPATH_EXPORT(route_request) uint32_t route_request(uint32_t method, const char* target, uint32_t length) {
  return route(method_of(method), target, length, nullptr, 0, true);
}

HOTPATH_EXPORT(route_request_headers)
uint32_t route_request_headers(uint32_t method, const char* target, uint32_t length, const char* headers,
                               uint32_t headers_length) {
  ensure_table();
  int32_t count = read_header_block(headers, headers_length);
  if (count < 0) return host_error(nullptr);
  return route(method_of(method), target, length, fields, static_cast<uint32_t>(count), true);
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

// ---- Directives and handler routes ----

HOTPATH_EXPORT(needed_header_count) uint32_t needed_header_count() {
  ensure_table();
  return table.needed_header_count;
}
HOTPATH_EXPORT(needed_header_ptr) uint32_t needed_header_ptr(uint32_t i) {
  ensure_table();
  return i < table.needed_header_count ? address(table.needed_headers[i].data) : 0;
}
HOTPATH_EXPORT(needed_header_len) uint32_t needed_header_len(uint32_t i) {
  ensure_table();
  return i < table.needed_header_count ? table.needed_headers[i].size : 0;
}

// "Name: value\n" per field; (0, 0) for an empty or unknown set.
HOTPATH_EXPORT(header_set_text) int64_t header_set_text(uint32_t id) {
  ensure_table();
  HeaderField set[kMaxSetFields];
  uint32_t n = header_set_fields(table, id, set, kMaxSetFields);
  uint32_t size = 0;
  for (uint32_t i = 0; i < n; ++i) size += set[i].name.size + 2 + set[i].value.size + 1;
  if (size == 0 || !reserve(set_text, size)) return 0;
  char* out = set_text.data;
  for (uint32_t i = 0; i < n; ++i) {
    copy_bytes(out, set[i].name.data, set[i].name.size);
    out += set[i].name.size;
    *out++ = ':';
    *out++ = ' ';
    copy_bytes(out, set[i].value.data, set[i].value.size);
    out += set[i].value.size;
    *out++ = '\n';
  }
  return packed(address(set_text.data), size);
}

const Route* route_at(uint32_t index) {
  ensure_table();
  return index < table.route_count ? table.routes[index] : nullptr;
}

// 0 reply route, 1 handler route, 2 no such route.
HOTPATH_EXPORT(route_kind) uint32_t route_kind(uint32_t index) {
  const Route* r = route_at(index);
  return r ? r->kind : 2;
}
// Method slot (0 GET ... 6 OPTIONS, 7 ANY); 8 for no such route.
HOTPATH_EXPORT(route_method) uint32_t route_method(uint32_t index) {
  const Route* r = route_at(index);
  return r ? r->method_slot : kRouteMethodCount;
}
HOTPATH_EXPORT(route_path) int64_t route_path(uint32_t index) {
  const Route* r = route_at(index);
  return r ? packed(address(r->path.data), r->path.size) : 0;
}
HOTPATH_EXPORT(route_line) uint32_t route_line(uint32_t index) {
  const Route* r = route_at(index);
  return r ? r->line : 0;
}
HOTPATH_EXPORT(route_param_count) uint32_t route_param_count(uint32_t index) {
  const Route* r = route_at(index);
  return r ? r->param_count : 0;
}
// A parameter's name ("" for a bare *); (0, 0) when out of range.
HOTPATH_EXPORT(route_param_name) int64_t route_param_name(uint32_t index, uint32_t param) {
  const Route* r = route_at(index);
  if (!r || param >= r->param_count) return 0;
  return packed(address(r->param_names[param].data), r->param_names[param].size);
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
  AnswerHead head;
  uint32_t field_count = 0;
  if (!in_memory(address(request), length)) {
    host_error(&head);
  } else if (parse_compat_request(request, length, &req, fields, kMaxHeaderFields, &field_count)) {
    route(request_method_from_token(req.method, req.method_length), req.target, req.target_length, fields,
          field_count, false, &head);
  } else {
    route(kGet, "", 0, nullptr, 0, false, &head);  // answers 400
  }
  if (memory_failed) {  // memory ran out while routing
    head.status = 500;
    head.content_type = error_content_type();
    head.has_content_length = true;
    head.content_length = record.body_len;
    head.allow = 0;
    head.header_set = 0;
    head.echo = false;
  }
  HeaderField set[kMaxSetFields];
  uint32_t set_count = head.header_set ? header_set_fields(table, head.header_set, set, kMaxSetFields) : 0;
  char allow[kMaxAllowLength];
  uint32_t allow_length = head.allow ? format_allow(head.allow, allow, sizeof allow) : 0;
  CompatResponse out{head.status,
                     head.content_type,
                     Slice{allow, allow_length},
                     set,
                     set_count,
                     Slice{reinterpret_cast<const char*>(static_cast<uintptr_t>(record.echo_ptr)), record.echo_len},
                     Slice{reinterpret_cast<const char*>(static_cast<uintptr_t>(record.body_ptr)), record.body_len},
                     head.has_content_length,
                     record.head != 0};
  uint32_t size = compat_response_size(out);
  if (!reserve(compat, size)) {
    record.body_len = 0;
    return 0;  // (ptr 0, len 0): nothing could be written
  }
  write_compat_response(out, compat.data);
  return packed(address(compat.data), size);
}
