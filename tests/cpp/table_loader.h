// Test and benchmark helper: loads a route table with std::vector memory,
// growing the arena until it fits (the retry loop every host of the core
// runs; the core itself never allocates).
#pragma once
#include <cstdint>
#include <map>
#include <utility>
#include <string>
#include <vector>

#include "router.h"

namespace hotpath::testing {

struct LoadedTable {
  bool ok = false;
  RouteTable table{};
  uint32_t error_line = 0;
  std::string error;
  std::vector<char> memory;  // owns everything `table` points to
};

LoadedTable load_table(const std::string& text, size_t first_arena_size = 0);

std::string read_file(const std::string& path);

// The answer of the full core for one request, as an HTTP layer would send
// it: status, header fields (lowercase names; several fields of one name
// joined by ", ") and body (empty for HEAD). Content-Length is in `headers`
// when sent.
struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

using RequestFields = std::vector<std::pair<std::string, std::string>>;

// Handler routes are answered by the vectors' handler
// (tests/vectors/README.md, "Handler routes"): 200, text/plain, the body
// "handler METHOD PATTERN name=value...".
Answer answer(const RouteTable& table, const std::string& method, const std::string& target,
              const RequestFields& fields = {});

// The vectors' handler body for a route and its decoded parameters.
std::string vector_handler_body(const std::string& method, const Route& route, const Slice* params);

}  // namespace hotpath::testing
