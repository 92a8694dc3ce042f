// Test and benchmark helper: loads a route table with std::vector memory,
// growing the arena until it fits (the retry loop every host of the core
// runs; the core itself never allocates).
#pragma once
#include <cstdint>
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
// it: status, content type, Content-Length, Allow and body (empty for HEAD).
struct Answer {
  int status = 0;
  std::string content_type;
  bool has_content_length = false;  // never for 204 and 304
  size_t content_length = 0;
  std::string allow;  // empty when no Allow header
  std::string body;
};

Answer answer(const RouteTable& table, const std::string& method, const std::string& target);

}  // namespace hotpath::testing
