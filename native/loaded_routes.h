// A route table loaded from a file, with everything the server prepares once
// per table: the arena it lives in, each content type's header line, and
// the address of each PROXY_UNIX and PROXY_TCP route (resolved here, on the
// thread that loads the table, so no event loop ever waits for a lookup).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fallback_address.h"
#include "router.h"

namespace hotpath::native {

struct LoadedRoutes {
  std::vector<char> memory;  // the arena: owns everything `table` points to
  RouteTable table{};
  std::vector<std::string> content_type_headers;  // "Content-Type: x\r\n" by id ("" when empty)
  // By Route::index: the fallback of a PROXY_UNIX or PROXY_TCP route
  // (empty text for every other route; PROXY routes use --fallback).
  std::vector<FallbackAddress> upstreams;
};

// Loads FILE. On error returns nullptr and sets *error to "FILE:LINE: reason"
// (also for a PROXY_TCP host that does not resolve).
std::unique_ptr<LoadedRoutes> load_routes_file(const std::string& path, std::string* error);

// Loads a table from its text; `name` stands for FILE in the error.
std::unique_ptr<LoadedRoutes> load_routes_text(const std::string& text, const std::string& name, std::string* error);

}  // namespace hotpath::native
