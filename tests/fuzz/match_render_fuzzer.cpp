// Fuzz target: the matcher and the renderer (router/match.cpp, render.cpp)
// on a fuzzed table and fuzzed requests.
//
// Input: a route table, a NUL byte, then requests, one per line:
//   METHOD SP TARGET "\n" ...        (TARGET is every byte up to the "\n")
// Without a NUL, the whole input is the requests against a fixed table that
// has every kind of segment and escape mode.
//
// Invariants, for every request:
//  - match_request writes decoded parameters only into the scratch it is
//    given, sized exactly min(target length, 8192) (ASan checks the bound),
//    and the answer is deterministic (matching twice gives the same match).
//  - The match is coherent: a route is always set; the status is the
//    route's; allow is non-zero exactly for the built-in 405; head is set
//    exactly for HEAD; a target over 8192 bytes is the built-in 414; a table
//    route gets exactly its parameter count, each value inside the target or
//    the scratch and never longer than the target.
//  - Rendering is exact and all-or-nothing: body_size equals what
//    render_body writes into a buffer of exactly that size (a canary after
//    it stays intact, ASan checks the heap bound), and with one byte less
//    render_body writes nothing and still returns the size.
//  - Escaping holds: in an HTML/XML body no '<', '>', '"' or '\'' comes from
//    a value (the rendered body has exactly as many as the template's
//    literals); a raw body is the literals and the values byte for byte.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "router.h"

namespace {

using namespace hotpath;

const char kDefaultTable[] =
    "GET\t/\t200\ttext/plain\tok\n"
    "GET\t/users/:id\t200\tapplication/json\t{\"id\":\"{id}\",\"raw\":{id}}\n"
    "GET\t/users/new\t201\ttext/html\t<p>new</p>\n"
    "HEAD\t/users/new\t201\ttext/html\t\n"
    "POST\t/users/:id/posts/:post\t200\ttext/html; charset=utf-8\t<a title=\"{post}\">{id}</a>\n"
    "GET\t/files/*path\t200\ttext/plain\tfile {path}\n"
    "ANY\t/any/*\t200\tapplication/problem+json\t{\"x\":1}\n"
    "DELETE\t/caf%C3%A9\t204\t\t\n"
    "PUT\t/a%2Fb/:x\t200\tapplication/xml\t<x v='{x}'/>\n";

std::unique_ptr<char[]> g_memory;

bool load(const char* text, size_t size, RouteTable* table) {
  for (size_t arena = suggested_arena_size(size);; arena *= 2) {
    g_memory.reset(new char[arena]);
    Arena a{g_memory.get(), arena, 0};
    LoadError error{};
    if (parse_route_table(text, size, a, table, &error)) return true;
    if (!error.out_of_memory) return false;
  }
}

bool inside(Slice s, const char* begin, size_t size) {
  return s.size == 0 || (s.data >= begin && s.data + s.size <= begin + size);
}

size_t count_specials(const char* p, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += p[i] == '<' || p[i] == '>' || p[i] == '"' || p[i] == '\'';
  return c;
}

void check_render(const Match& match) {
  const Route& r = *match.route;
  uint32_t size = body_size(r, match.params);
  constexpr size_t kCanary = 16;
  std::unique_ptr<char[]> exact(new char[size + kCanary]);
  std::memset(exact.get(), 0x5A, size + kCanary);
  FUZZ_CHECK(render_body(r, match.params, exact.get(), size) == size);
  for (size_t i = size; i < size + kCanary; ++i) FUZZ_CHECK(exact[i] == 0x5A, "render wrote past its size %u", size);

  if (size > 0) {
    std::unique_ptr<char[]> small(new char[size]);
    std::memset(small.get(), 0x5A, size);
    FUZZ_CHECK(render_body(r, match.params, small.get(), size - 1) == size);
    for (size_t i = 0; i < size; ++i) FUZZ_CHECK(small[i] == 0x5A, "render wrote into a buffer too small");
  }

  std::string body(exact.get(), size);
  if (r.parts == nullptr) {
    FUZZ_CHECK(body == std::string(r.body.data, r.body.size));
    return;
  }
  std::string literals, raw;
  for (uint32_t i = 0; i < r.part_count; ++i) {
    const TemplatePart& p = r.parts[i];
    literals.append(p.literal.data, p.literal.size);
    raw.append(p.literal.data, p.literal.size);
    if (p.param >= 0) raw.append(match.params[p.param].data, match.params[p.param].size);
  }
  if (r.escape == kEscapeMarkup) {
    FUZZ_CHECK(count_specials(body.data(), body.size()) == count_specials(literals.data(), literals.size()),
               "markup escaping let a value add a special character");
  } else if (r.escape == kEscapeRaw) {
    FUZZ_CHECK(body == raw);
  }
}

void check_request(const RouteTable& table, const std::string& method, const std::string& target) {
  uint32_t length = static_cast<uint32_t>(target.size());
  size_t scratch_size = length < kMaxTargetLength ? length : kMaxTargetLength;
  std::unique_ptr<char[]> scratch(new char[scratch_size]);
  RequestMethod m = request_method_from_token(method.data(), static_cast<uint32_t>(method.size()));
  Match match;
  match_request(table.root, m, target.data(), length, scratch.get(), &match);

  FUZZ_CHECK(match.route != nullptr);
  FUZZ_CHECK(match.status == match.route->status);
  FUZZ_CHECK(match.head == (m == kHead));
  bool builtin = match.route->line == 0;
  FUZZ_CHECK((match.allow != 0) == (match.route == &method_not_allowed_route()));
  if (target.size() > kMaxTargetLength) FUZZ_CHECK(match.route == &uri_too_long_route());
  if (builtin) {
    FUZZ_CHECK(match.route == &bad_request_route() || match.route == &not_found_route() ||
               match.route == &method_not_allowed_route() || match.route == &uri_too_long_route());
  } else {
    FUZZ_CHECK(match.param_count == match.route->param_count);
    FUZZ_CHECK(m == match.route->method_slot || match.route->method_slot == kRouteAny ||
               (m == kHead && match.route->method_slot == kGet));
    for (uint32_t i = 0; i < match.param_count; ++i) {
      const Slice& v = match.params[i];
      FUZZ_CHECK(v.size <= length);
      FUZZ_CHECK(inside(v, target.data(), length) || inside(v, scratch.get(), scratch_size),
                 "parameter %u points outside the target and the scratch", i);
    }
  }
  check_render(match);

  Match again;
  std::unique_ptr<char[]> scratch2(new char[scratch_size]);
  match_request(table.root, m, target.data(), length, scratch2.get(), &again);
  FUZZ_CHECK(again.route == match.route && again.status == match.status && again.allow == match.allow &&
             again.param_count == match.param_count);
  for (uint32_t i = 0; i < match.param_count; ++i) {
    FUZZ_CHECK(again.params[i].size == match.params[i].size &&
               std::memcmp(again.params[i].data, match.params[i].data, match.params[i].size) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* bytes = reinterpret_cast<const char*>(data);
  const char* nul = static_cast<const char*>(std::memchr(bytes, 0, size));
  RouteTable table;
  std::string requests;
  if (nul) {
    if (!load(bytes, static_cast<size_t>(nul - bytes), &table)) return 0;  // table_parser covers bad tables
    requests.assign(nul + 1, bytes + size);
  } else {
    FUZZ_CHECK(load(kDefaultTable, sizeof kDefaultTable - 1, &table));
    requests.assign(bytes, size);
  }
  size_t start = 0;
  for (int n = 0; n < 64 && start <= requests.size(); ++n) {
    size_t end = requests.find('\n', start);
    if (end == std::string::npos) end = requests.size();
    std::string line = requests.substr(start, end - start);
    start = end + 1;
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    check_request(table, line.substr(0, space), line.substr(space + 1));
  }
  return 0;
}
