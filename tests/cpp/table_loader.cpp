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

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = ascii_lower(c);
  return s;
}

std::string text(Slice s) { return std::string(s.data, s.size); }

// Adds a field as a set of fields does: a name seen before gets ", value".
void add_field(Answer& a, const std::string& name, const std::string& value) {
  auto [it, fresh] = a.headers.emplace(lower(name), value);
  if (!fresh) it->second += ", " + value;
}

}  // namespace

std::string vector_handler_body(const std::string& method, const Route& route, const Slice* params) {
  std::string body = "handler " + method + " " + text(route.path);
  for (uint32_t i = 0; i < route.param_count; ++i) body += " " + text(route.param_names[i]) + "=" + text(params[i]);
  return body;
}

Answer answer(const RouteTable& table, const std::string& method, const std::string& target,
              const RequestFields& request_fields) {
  std::vector<char> scratch(target.size() + 1);
  std::vector<HeaderField> fields;
  for (const auto& [name, value] : request_fields) {
    fields.push_back(HeaderField{Slice{name.data(), static_cast<uint32_t>(name.size())},
                                 Slice{value.data(), static_cast<uint32_t>(value.size())}});
  }
  Match match;
  AnswerHead head;
  RequestMethod m = request_method_from_token(method.data(), static_cast<uint32_t>(method.size()));
  answer_request(table, m, target.data(), static_cast<uint32_t>(target.size()), scratch.data(), fields.data(),
                 static_cast<uint32_t>(fields.size()), true, &match, &head);
  Answer a;
  if (head.handler) {
    std::string body = vector_handler_body(method, *head.route, match.params);
    a.status = 200;
    a.headers["content-type"] = "text/plain; charset=utf-8";
    a.headers["content-length"] = std::to_string(body.size());
    if (!match.head) a.body = body;
  } else {
    a.status = head.status;
    if (head.content_type.size) a.headers["content-type"] = text(head.content_type);
    if (head.has_content_length) a.headers["content-length"] = std::to_string(head.content_length);
    if (head.allow) {
      char allow[kMaxAllowLength];
      a.headers["allow"] = std::string(allow, format_allow(head.allow, allow, sizeof allow));
    }
    uint32_t size = body_size(*head.route, match.params);
    std::string body(size, '\0');
    if (render_body(*head.route, match.params, body.data(), size) != size) {
      throw std::runtime_error("render_body disagrees with body_size");
    }
    if (head.send_body) a.body = body;
    if (head.send_body != (head.has_content_length && !match.head && size > 0)) {
      throw std::runtime_error("send_body disagrees with the rules");
    }
  }
  // The directives' fields: on top of the answer's own (a set replaces,
  // which for these names never meets one of the answer's own).
  HeaderField set[kMaxSetFields];
  uint32_t n = header_set_fields(table, head.header_set, set, kMaxSetFields);
  std::map<std::string, bool> seen;
  for (uint32_t i = 0; i < n; ++i) {
    std::string name = lower(text(set[i].name));
    if (!seen[name]) a.headers.erase(name);
    seen[name] = true;
    add_field(a, name, text(set[i].value));
  }
  if (head.echo) {
    const Slice& name = table.needed_headers[table.cors->headers_field];
    std::string value(joined_field_value(fields.data(), static_cast<uint32_t>(fields.size()), name, nullptr, 0), '\0');
    joined_field_value(fields.data(), static_cast<uint32_t>(fields.size()), name, value.data(),
                       static_cast<uint32_t>(value.size()));
    a.headers["access-control-allow-headers"] = value;
  }
  return a;
}

}  // namespace hotpath::testing
