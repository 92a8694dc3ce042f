// Fuzz target: the route-table parser (router/table.cpp) on arbitrary bytes.
//
// Input: the TSV table itself.
//
// Invariants (beyond "no crash, no sanitizer report"):
//  - Loading is all-or-nothing and independent of the arena: the table is
//    parsed in arenas growing from 64 bytes (so every allocation site runs
//    out of memory on some attempt) until it stops saying out_of_memory, and
//    the final answer equals the one in an arena far larger than needed.
//  - An error names a line within the input (1 .. number of lines), its
//    message is non-empty, at most kMaxErrorMessage bytes and starts with
//    "line N: " for that N. Line 0 is only for errors about no line
//    (out of memory, size), which the final answer never is here.
//  - A loaded table holds one route per line that is a route (not blank, a
//    comment or a MIDDLEWARE / ROUTE_MIDDLEWARE line), linked in line order,
//    numbered in that order (Route::index, RouteTable::routes), each well-formed (status 200..599,
//    content_type_id naming its content type, template parts summing to
//    literal_size, placeholders naming captured parameters), and keeps no
//    pointer into the text: the text is freed (ASan then flags any read of
//    it) and every byte the table points to is read.
//  - Every route whose path has no parameter or wildcard answers a request
//    for its own path with itself (or, for a HEAD declaration, its GET
//    twin), unless the request is one the matcher must reject (over 8192
//    bytes: 414).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "router.h"

namespace {

using namespace hotpath;

struct Outcome {
  bool ok = false;
  bool out_of_memory = false;
  uint32_t line = 0;
  std::string message;
  RouteTable table{};
};

Outcome parse_in(const char* text, size_t size, size_t arena_size, std::unique_ptr<char[]>* memory) {
  // Uninitialised on purpose: the arena zeroes what it hands out.
  memory->reset(new char[arena_size]);
  Outcome o;
  Arena arena{memory->get(), arena_size, 0};
  LoadError error{};
  o.ok = parse_route_table(text, size, arena, &o.table, &error);
  if (!o.ok) {
    FUZZ_CHECK(error.message_length <= kMaxErrorMessage);
    o.out_of_memory = error.out_of_memory;
    o.line = error.line;
    o.message.assign(error.message, error.message_length);
  }
  return o;
}

// The host retry loop: double the arena while the parser says out_of_memory.
Outcome parse_growing(const char* text, size_t size, size_t first, uint32_t lines, std::unique_ptr<char[]>* memory) {
  for (size_t arena = first;; arena *= 2) {
    FUZZ_CHECK(arena <= (size_t{1} << 30), "still out of memory at %zu bytes", arena);
    Outcome o = parse_in(text, size, arena, memory);
    if (!o.out_of_memory) return o;
    FUZZ_CHECK(o.line <= lines && !o.message.empty());
  }
}

// Lines as the parser counts them: after a UTF-8 BOM, one per '\n', plus an
// unterminated last line.
uint32_t count_lines(const std::string& text, uint32_t* routes) {
  size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  uint32_t lines = 0;
  *routes = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++lines;
    bool directive = line.compare(0, 11, "MIDDLEWARE\t") == 0 || line == "MIDDLEWARE" ||
                     line.compare(0, 17, "ROUTE_MIDDLEWARE\t") == 0 || line == "ROUTE_MIDDLEWARE";
    if (line.find_first_not_of(" \t") != std::string::npos && line[0] != '#' && !directive) ++*routes;
    start = end + 1;
  }
  return lines;
}

// Reads every byte of a slice (ASan: the table must not point into freed text).
uint32_t touch(Slice s) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < s.size; ++i) sum += static_cast<uint8_t>(s.data[i]);
  return sum;
}

void check_table(const RouteTable& t, uint32_t expected_routes, uint32_t lines) {
  FUZZ_CHECK(t.root != nullptr);
  FUZZ_CHECK(t.route_count == expected_routes, "%u routes for %u route lines", t.route_count, expected_routes);
  FUZZ_CHECK(t.content_type_count >= 1 && t.content_type_count <= t.route_count + 2);
  Slice error_type = error_content_type();
  FUZZ_CHECK(t.content_types[0].size == error_type.size &&
             std::memcmp(t.content_types[0].data, error_type.data, error_type.size) == 0);
  volatile uint32_t sink = 0;
  for (uint32_t i = 0; i < t.content_type_count; ++i) sink += touch(t.content_types[i]);
  uint32_t n = 0;
  uint32_t previous_line = 0;
  for (const Route* r = t.first_route; r; r = r->next) {
    ++n;
    FUZZ_CHECK(n <= t.route_count, "route list longer than route_count");
    FUZZ_CHECK(r->line > previous_line && r->line <= lines, "line %u after %u of %u", r->line, previous_line, lines);
    previous_line = r->line;
    FUZZ_CHECK(r->index == n - 1 && t.routes[r->index] == r);
    for (uint32_t i = 0; i < r->directives.count; ++i) {
      const Directive& d = *r->directives.steps[i];
      FUZZ_CHECK(d.kind == kHeaderDirective || d.kind == kRequireHeaderDirective);
      sink += touch(d.name) + touch(d.value) + touch(d.challenge);
    }
    if (r->kind == kHandlerRoute) {
      FUZZ_CHECK(r->status == 0 && r->body.size == 0 && r->parts == nullptr);
      sink += touch(r->path) + touch(r->upstream);
      for (uint32_t i = 0; i < r->param_count; ++i) sink += touch(r->param_names[i]);
      continue;
    }
    FUZZ_CHECK(r->status >= 200 && r->status <= 599);
    FUZZ_CHECK(r->method_slot < kRouteMethodCount);
    FUZZ_CHECK(r->param_count <= kMaxParams);
    FUZZ_CHECK(r->path.size > 0 && r->path.data[0] == '/');
    FUZZ_CHECK(r->content_type_id < t.content_type_count);
    const Slice& type = t.content_types[r->content_type_id];
    FUZZ_CHECK(type.size == r->content_type.size && std::memcmp(type.data, r->content_type.data, type.size) == 0);
    FUZZ_CHECK(r->escape == escape_mode_for(r->content_type));
    if (r->status == 204 || r->status == 304) FUZZ_CHECK(r->literal_size == 0 && r->parts == nullptr);
    sink += touch(r->path) + touch(r->content_type) + touch(r->body);
    for (uint32_t i = 0; i < r->param_count; ++i) sink += touch(r->param_names[i]);
    if (r->parts == nullptr) {
      FUZZ_CHECK(r->literal_size == r->body.size);
    } else {
      uint32_t literal = 0;
      for (uint32_t i = 0; i < r->part_count; ++i) {
        const TemplatePart& p = r->parts[i];
        literal += p.literal.size;
        sink += touch(p.literal);
        FUZZ_CHECK(p.param >= -1 && p.param < static_cast<int32_t>(r->param_count));
      }
      FUZZ_CHECK(literal == r->literal_size);
    }
  }
  FUZZ_CHECK(n == t.route_count);
  for (uint32_t i = 0; i < t.middleware.count; ++i) {
    const Directive& d = *t.middleware.steps[i];
    sink += touch(d.name) + touch(d.value) + touch(d.challenge);
    if (d.kind == kCorsDirective) {
      for (uint32_t o = 0; o < d.cors->origin_count; ++o) sink += touch(d.cors->origins[o]);
      sink += touch(d.cors->methods) + touch(d.cors->allow_headers) + touch(d.cors->max_age);
    }
  }
  for (uint32_t i = 0; i < t.needed_header_count; ++i) sink += touch(t.needed_headers[i]);
  (void)sink;
}

void check_own_paths_match(const RouteTable& t) {
  std::vector<char> scratch(kMaxTargetLength);
  for (const Route* r = t.first_route; r; r = r->next) {
    // A route without captures is static (a raw `:` or `*` anywhere in a
    // segment starts one: the parser decides, not this test).
    if (r->method_slot == kRouteAny || r->param_count != 0) continue;
    if (r->kind == kHandlerRoute) continue;
    Match match;
    match_request(t.root, static_cast<RequestMethod>(r->method_slot), r->path.data, r->path.size, scratch.data(),
                  &match);
    if (r->path.size > kMaxTargetLength) {
      FUZZ_CHECK(match.route == &uri_too_long_route());
      continue;
    }
    bool head_declaration = r->method_slot == kHead && match.route != r && match.route->method_slot == kGet &&
                            r->parts == nullptr && r->body.size == 0;
    if (head_declaration && match.route->kind == kHandlerRoute) continue;
    FUZZ_CHECK(match.route == r || head_declaration,
               "line %u (%.*s) answered by line %u status %u", r->line, static_cast<int>(r->path.size), r->path.data,
               match.route->line, match.status);
    FUZZ_CHECK(match.status == match.route->status);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  uint32_t expected_routes = 0;
  uint32_t lines = count_lines(text, &expected_routes);

  // The reference: the arena every host starts with (suggested_arena_size),
  // doubled while needed. Then from 64 bytes, so that allocations run out of
  // memory at every site on the way: the same answer once it fits.
  std::unique_ptr<char[]> reference_memory;
  Outcome reference = parse_growing(text.data(), size, suggested_arena_size(size), lines, &reference_memory);
  std::unique_ptr<char[]> small_memory;
  Outcome grown = parse_growing(text.data(), size, 64, lines, &small_memory);
  FUZZ_CHECK(grown.ok == reference.ok && grown.line == reference.line && grown.message == reference.message,
             "arena size changed the answer: '%s' vs '%s'", grown.message.c_str(), reference.message.c_str());

  if (!reference.ok) {
    FUZZ_CHECK(reference.line >= 1 && reference.line <= lines, "error line %u of %u: %s", reference.line, lines,
               reference.message.c_str());
    std::string prefix = "line " + std::to_string(reference.line) + ": ";
    FUZZ_CHECK(reference.message.size() > prefix.size() && reference.message.compare(0, prefix.size(), prefix) == 0,
               "message '%s'", reference.message.c_str());
    return 0;
  }

  // Parse from a heap copy, then free it: the table must stand on its own.
  std::unique_ptr<char[]> copy(new char[size ? size : 1]);
  std::memcpy(copy.get(), text.data(), size);
  std::unique_ptr<char[]> memory;
  Outcome own = parse_growing(copy.get(), size, suggested_arena_size(size), lines, &memory);
  FUZZ_CHECK(own.ok);
  copy.reset();
  check_table(own.table, expected_routes, lines);
  check_own_paths_match(own.table);
  return 0;
}
