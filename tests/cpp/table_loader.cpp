#include "table_loader.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hotpath::testing {

LoadedTable load_table(const std::string& text, size_t first_arena_size) {
  LoadedTable loaded;
  size_t size = first_arena_size ? first_arena_size : suggested_arena_size(text.size());
  for (;;) {
    loaded.memory.assign(size, 0);
    Arena arena{loaded.memory.data(), loaded.memory.size(), 0};
    LoadError error{};
    if (parse_route_table(text.data(), text.size(), arena, &loaded.table, &error)) {
      loaded.ok = true;
      return loaded;
    }
    if (!error.out_of_memory) {
      loaded.error_line = error.line;
      loaded.error.assign(error.message, error.message_length);
      return loaded;
    }
    size *= 2;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Answer answer(const RouteTable& table, const std::string& method, const std::string& target) {
  std::vector<char> scratch(target.size() + 1);
  Match match;
  match_request(table.root, request_method_from_token(method.data(), static_cast<uint32_t>(method.size())),
                target.data(), static_cast<uint32_t>(target.size()), scratch.data(), &match);
  Answer a;
  a.status = match.status;
  a.content_type.assign(match.route->content_type.data, match.route->content_type.size);
  uint32_t size = body_size(*match.route, match.params);
  a.content_length = size;
  a.has_content_length = status_sends_content_length(match.status);
  std::string body(size, '\0');
  uint32_t written = render_body(*match.route, match.params, body.data(), size);
  if (written != size) throw std::runtime_error("render_body disagrees with body_size");
  if (!match.head) a.body = body;
  if (match.status == 405) {
    char allow[kMaxAllowLength];
    uint32_t n = format_allow(match.allow, allow, sizeof allow);
    a.allow.assign(allow, n);
  }
  return a;
}

}  // namespace hotpath::testing
