#include "loaded_routes.h"

#include <fstream>
#include <sstream>

namespace hotpath::native {

std::unique_ptr<LoadedRoutes> load_routes_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open the route table";
    return nullptr;
  }
  std::ostringstream text_stream;
  text_stream << in.rdbuf();
  return load_routes_text(text_stream.str(), path, error);
}

std::unique_ptr<LoadedRoutes> load_routes_text(const std::string& text, const std::string& path, std::string* error) {
  auto loaded = std::make_unique<LoadedRoutes>();
  size_t size = suggested_arena_size(text.size());
  for (;;) {
    loaded->memory.assign(size, 0);
    Arena arena{loaded->memory.data(), loaded->memory.size(), 0};
    LoadError load_error{};
    if (parse_route_table(text.data(), text.size(), arena, &loaded->table, &load_error)) break;
    if (!load_error.out_of_memory) {
      std::string message(load_error.message, load_error.message_length);
      const std::string prefix = "line " + std::to_string(load_error.line) + ": ";
      if (load_error.line && message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
      *error = path + ":" + std::to_string(load_error.line) + ": " + message;
      return nullptr;
    }
    size *= 2;
  }
  for (uint32_t id = 0; id < loaded->table.content_type_count; ++id) {
    Slice type = loaded->table.content_types[id];
    loaded->content_type_headers.push_back(
        type.size ? "Content-Type: " + std::string(type.data, type.size) + "\r\n" : std::string());
  }
  const RouteTable& table = loaded->table;
  if (table.handler_count) {
    loaded->upstreams.resize(table.route_count);
    for (uint32_t i = 0; i < table.route_count; ++i) {
      const Route& route = *table.routes[i];
      if (route.kind != kHandlerRoute || route.upstream_kind == kDefaultUpstream) continue;
      const std::string_view upstream(route.upstream.data, route.upstream.size);
      std::string why;
      bool ok = route.upstream_kind == kUnixUpstream ? unix_fallback_address(upstream, &loaded->upstreams[i], &why)
                                                     : tcp_fallback_address(upstream, &loaded->upstreams[i], &why);
      if (!ok) {
        *error = path + ":" + std::to_string(route.line) + ": " + why;
        return nullptr;
      }
    }
  }
  return loaded;
}

}  // namespace hotpath::native
