// A route table loaded from a file, with everything the server prepares once
// per table: the arena it lives in and each content type's header line.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "router.h"

namespace hotpath::native {

struct LoadedRoutes {
  std::vector<char> memory;  // the arena: owns everything `table` points to
  RouteTable table{};
  std::vector<std::string> content_type_headers;  // "Content-Type: x\r\n" by id ("" when empty)
};

// Loads FILE. On error returns nullptr and sets *error to "FILE:LINE: reason".
std::unique_ptr<LoadedRoutes> load_routes_file(const std::string& path, std::string* error);

// Loads a table from its text; `name` stands for FILE in the error.
std::unique_ptr<LoadedRoutes> load_routes_text(const std::string& text, const std::string& name, std::string* error);

}  // namespace hotpath::native
