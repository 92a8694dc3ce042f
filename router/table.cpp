#include "table.h"

#include "method.h"
#include "percent.h"
#include "render.h"
#include "table_parser.h"

namespace hotpath::detail {

MessageWriter Parser::fail() {
  error->line = line;
  error->out_of_memory = false;
  MessageWriter w(error->message, kMaxErrorMessage);
  if (line) w.text("line ").number(line).text(": ");
  return w;
}

bool Parser::finish(MessageWriter& w) {
  error->message_length = w.length();
  return false;
}

bool Parser::out_of_memory() {
  MessageWriter w = fail();
  w.text("out of memory: the route table needs a larger arena");
  error->out_of_memory = true;
  return finish(w);
}

char* Parser::copy(Slice s) {
  char* p = arena.allocate_array<char>(s.size ? s.size : 1);
  if (p) copy_bytes(p, s.data, s.size);
  return p;
}

bool is_blank(Slice s) {
  for (uint32_t i = 0; i < s.size; ++i) {
    if (s.data[i] != ' ' && s.data[i] != '\t') return false;
  }
  return true;
}

bool is_identifier(Slice s) {
  if (s.size == 0 || !is_name_start(s.data[0])) return false;
  for (uint32_t i = 1; i < s.size; ++i) {
    if (!is_name_char(s.data[i])) return false;
  }
  return true;
}

bool Parser::parse_status(Slice field, uint16_t* status) {
  bool digits = field.size == 3;
  for (uint32_t i = 0; digits && i < 3; ++i) digits = field.data[i] >= '0' && field.data[i] <= '9';
  uint32_t value = digits ? (field.data[0] - '0') * 100 + (field.data[1] - '0') * 10 + (field.data[2] - '0') : 0;
  if (!digits || value < 200 || value > 599) {
    MessageWriter w = fail();
    w.text("invalid status ").excerpt(field).text(": expected three digits from 200 to 599");
    return finish(w);
  }
  *status = static_cast<uint16_t>(value);
  return true;
}

bool Parser::parse_content_type(Slice field, uint16_t status) {
  for (uint32_t i = 0; i < field.size; ++i) {
    uint8_t c = static_cast<uint8_t>(field.data[i]);
    if ((c < 0x20 && c != '\t') || c >= 0x7F) {
      MessageWriter w = fail();
      w.text("invalid content type ").excerpt(field).text(": only printable ASCII is allowed");
      return finish(w);
    }
  }
  if (is_blank(field) && status != 204 && status != 304) {
    MessageWriter w = fail();
    w.text("missing content type (it may be empty only for status 204 and 304)");
    return finish(w);
  }
  return true;
}

// Decodes BODY escapes, finds {name} placeholders and, for JSON bodies, notes
// whether each placeholder stands inside a string literal.
bool Parser::parse_body(Slice field, Route* route) {
  uint32_t braces = 0;
  for (uint32_t i = 0; i < field.size; ++i) braces += field.data[i] == '{';
  char* literal = arena.allocate_array<char>(field.size ? field.size : 1);
  TemplatePart* parts = braces ? arena.allocate_array<TemplatePart>(braces + 1) : nullptr;
  if (!literal || (braces && !parts)) return out_of_memory();

  uint32_t size = 0;          // decoded literal bytes so far
  uint32_t part_start = 0;    // start of the current part's literal
  uint32_t part_count = 0;
  bool in_string = false;     // JSON: inside "..." of the template
  bool after_backslash = false;
  for (uint32_t i = 0; i < field.size; ++i) {
    char c = field.data[i];
    if (c == '\\') {
      char next = i + 1 < field.size ? field.data[i + 1] : '\0';
      char decoded = next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next == '\\' ? '\\' : 0;
      if (!decoded) {
        MessageWriter w = fail();
        if (i + 1 == field.size) {
          w.text("unfinished escape '\\' at the end of BODY (write a backslash as \\\\)");
        } else {
          w.text("unknown escape ").excerpt(Slice{field.data + i, 2}).text(
              " in BODY (escapes are \\t \\n \\r \\\\)");
        }
        return finish(w);
      }
      c = decoded;
      ++i;
    } else if (c == '{') {
      uint32_t end = i + 1;
      while (end < field.size && is_name_char(field.data[end])) ++end;
      Slice name{field.data + i + 1, end - i - 1};
      if (end < field.size && field.data[end] == '}' && is_identifier(name)) {
        int32_t index = -1;
        for (uint32_t p = 0; p < route->param_count; ++p) {
          Slice n = route->param_names[p];
          if (n.size == name.size && bytes_equal(n.data, name.data, name.size)) index = static_cast<int32_t>(p);
        }
        if (index < 0) {
          MessageWriter w = fail();
          w.text("placeholder {").excerpt(name).text("} names no parameter of this route");
          return finish(w);
        }
        if (part_count == kMaxPlaceholders) {
          MessageWriter w = fail();
          w.text("BODY has more than ").number(kMaxPlaceholders).text(" placeholders");
          return finish(w);
        }
        parts[part_count++] = TemplatePart{Slice{literal + part_start, size - part_start}, index,
                                           route->escape == kEscapeJson && !in_string};
        part_start = size;
        i = end;
        continue;
      }
    }
    if (route->escape == kEscapeJson) {
      if (after_backslash) {
        after_backslash = false;
      } else if (in_string && c == '\\') {
        after_backslash = true;
      } else if (c == '"') {
        in_string = !in_string;
      }
    }
    literal[size++] = c;
  }
  if (!utf8_is_valid(literal, size)) {
    MessageWriter w = fail();
    w.text("BODY is not valid UTF-8");
    return finish(w);
  }
  // BODY as written: a body of placeholders only has no literal bytes but is
  // not empty (its values would be sent).
  if (field.size > 0 && (route->status == 204 || route->status == 304)) {
    MessageWriter w = fail();
    w.text("status ").number(route->status).text(" must have an empty body");
    return finish(w);
  }
  route->body = Slice{literal, size};
  route->literal_size = size;
  if (part_count) {
    parts[part_count++] = TemplatePart{Slice{literal + part_start, size - part_start}, -1, false};
    route->parts = parts;
    route->part_count = part_count;
  }
  return true;
}

namespace {

LineFields split_fields(Slice text) {
  LineFields f{};
  uint32_t start = 0;
  for (uint32_t i = 0; i <= text.size; ++i) {
    if (i < text.size && text.data[i] != '\t') continue;
    if (f.count < kMaxLineFields) f.field[f.count] = Slice{text.data + start, i - start};
    ++f.count;
    start = i + 1;
  }
  return f;
}

}  // namespace

bool Parser::parse_line(Slice text) {
  LineFields f = split_fields(text);
  Slice word = f.field[0];
  if (route_method_from_token(word.data, word.size) != kRouteMethodCount) return parse_route(f, 0);
  if (slice_equals(word, "ROUTE")) return parse_route(f, 1);
  if (slice_equals(word, "PROXY") || slice_equals(word, "PROXY_UNIX") || slice_equals(word, "PROXY_TCP")) {
    return parse_handler_route(f);
  }
  if (slice_equals(word, "MIDDLEWARE")) return parse_middleware(f);
  if (slice_equals(word, "ROUTE_MIDDLEWARE")) return parse_route_middleware(f);
  MessageWriter w = fail();
  w.text("unknown method or directive ").excerpt(word, 24).text(
      " (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals; directives: ROUTE PROXY PROXY_UNIX "
      "PROXY_TCP MIDDLEWARE ROUTE_MIDDLEWARE)");
  return finish(w);
}

bool Parser::parse_route(const LineFields& f, uint32_t first) {
  // METHOD PATH STATUS CONTENT-TYPE [BODY]: BODY may be left out entirely
  // (editors strip a trailing tab).
  uint32_t fields = f.count - first;
  if (fields < 4 || fields > 5) {
    MessageWriter w = fail();
    w.text(first ? "expected ROUTE and 5 tab-separated fields METHOD PATH STATUS CONTENT-TYPE BODY, found "
                 : "expected 5 tab-separated fields METHOD PATH STATUS CONTENT-TYPE BODY, found ")
        .number(fields);
    if (fields > 5) w.text(" (write a tab inside BODY as \\t)");
    return finish(w);
  }
  const Slice* field = f.field + first;
  uint32_t slot = route_method_from_token(field[0].data, field[0].size);
  if (slot == kRouteMethodCount) {
    MessageWriter w = fail();
    w.text("unknown method ").excerpt(field[0], 24).text(" (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)");
    return finish(w);
  }
  Slice body = fields == 5 ? field[4] : Slice{"", 0};

  PatternSegment segments[kMaxSegments];
  Slice names[kMaxParams];
  uint32_t segment_count = 0;
  uint32_t name_count = 0;
  uint16_t status = 0;
  if (!parse_path(field[1], segments, &segment_count, names, &name_count)) return false;
  if (!parse_status(field[2], &status)) return false;
  if (!parse_content_type(field[3], status)) return false;

  Route* route = arena.allocate_array<Route>(1);
  Slice* stored_names = arena.allocate_array<Slice>(name_count ? name_count : 1);
  char* path = copy(field[1]);
  char* content_type = copy(field[3]);
  if (!route || !stored_names || !path || !content_type) return out_of_memory();
  for (uint32_t i = 0; i < name_count; ++i) stored_names[i] = names[i];
  route->line = line;
  route->status = status;
  route->method_slot = static_cast<uint8_t>(slot);
  route->path = Slice{path, field[1].size};
  route->content_type = Slice{content_type, field[3].size};
  route->escape = escape_mode_for(route->content_type);
  route->param_names = stored_names;
  route->param_count = name_count;
  route->kind = kReplyRoute;
  if (!parse_body(body, route)) return false;
  return add_route(route, segments, segment_count);
}

bool Parser::add_route(Route* route, const PatternSegment* segments, uint32_t segment_count) {
  route->index = count;
  // A route with optional segments (`/a/:b?`) is in the tree once per
  // shape it matches: /a/:b, then /a (then /, when every segment is optional).
  static constexpr PatternSegment kRoot{PatternSegment::kStatic, false, Slice{"", 0}, nullptr};
  for (uint32_t n = segment_count;; --n) {
    const Route* existing = nullptr;
    InsertResult result = n ? insert_route(arena, children, root, segments, n, route, &existing)
                            : insert_route(arena, children, root, &kRoot, 1, route, &existing);
    if (result == kOutOfMemory) return out_of_memory();
    if (result == kDuplicate) {
      MessageWriter w = fail();
      w.text("duplicate route: ").text(route_method_name(route->method_slot)).text(" ").excerpt(route->path)
          .text(" has the same method and path shape as line ").number(existing->line);
      return finish(w);
    }
    if (n == 0 || !segments[n - 1].optional) break;
  }
  if (last) last->next = route; else first = route;
  last = route;
  ++count;
  return true;
}

}  // namespace hotpath::detail

namespace hotpath {

bool parse_route_table(const char* text, size_t length, Arena& arena, RouteTable* table,
                       LoadError* error) {
  using detail::Parser;
  error->line = 0;
  error->out_of_memory = false;
  error->message_length = 0;
  Parser p{arena, error};
  if (length > 0xFFFFFFFFu) {
    MessageWriter w = p.fail();
    w.text("route table larger than 4 GiB");
    return p.finish(w);
  }
  p.root = arena.allocate_array<Node>(1);
  if (!p.root) return p.out_of_memory();
  // Every static node comes from one '/' of some path, so the number of '/'
  // bounds the number of nodes.
  uint32_t slashes = 0;
  for (size_t i = 0; i < length; ++i) slashes += text[i] == '/';
  if (!create_child_index(arena, slashes + 1, &p.children)) return p.out_of_memory();

  uint32_t size = static_cast<uint32_t>(length);
  uint32_t start = 0;
  // A UTF-8 byte order mark is not part of the first line.
  if (size >= 3 && static_cast<uint8_t>(text[0]) == 0xEF && static_cast<uint8_t>(text[1]) == 0xBB &&
      static_cast<uint8_t>(text[2]) == 0xBF) {
    start = 3;
  }
  while (start < size) {
    uint32_t end = start;
    while (end < size && text[end] != '\n') ++end;
    ++p.line;
    Slice line{text + start, end - start};
    if (line.size && line.data[line.size - 1] == '\r') --line.size;
    start = end + 1;
    if (!utf8_is_valid(line.data, line.size)) {
      MessageWriter w = p.fail();
      w.text("invalid UTF-8");
      return p.finish(w);
    }
    if (detail::is_blank(line) || line.data[0] == '#') continue;
    if (!p.parse_line(line)) return false;
  }

  Route** by_index = arena.allocate_array<Route*>(p.count ? p.count : 1);
  if (!by_index) return p.out_of_memory();
  for (Route* r = p.first; r; r = const_cast<Route*>(r->next)) by_index[r->index] = r;
  if (!p.attach_route_middleware(by_index)) return false;

  // Content types, each once; a CORS preflight answers with none, so a
  // table with CORS always lists the empty type.
  Slice* types = arena.allocate_array<Slice>(p.count + 2);
  if (!types) return p.out_of_memory();
  uint32_t type_count = 0;
  types[type_count++] = error_content_type();
  uint32_t empty_id = 0;  // 0: none yet (id 0 is the error type, never empty)
  for (Route* r = p.first; r; r = const_cast<Route*>(r->next)) {
    if (r->kind == kHandlerRoute) continue;
    uint32_t id = 0;
    while (id < type_count && !(types[id].size == r->content_type.size &&
                                bytes_equal(types[id].data, r->content_type.data, r->content_type.size))) {
      ++id;
    }
    if (id == type_count) {
      if (type_count > kMaxContentTypes) {
        p.line = r->line;
        MessageWriter w = p.fail();
        w.text("more than ").number(kMaxContentTypes).text(" distinct content types");
        return p.finish(w);
      }
      types[type_count++] = r->content_type;
    }
    if (r->content_type.size == 0) empty_id = id;
    r->content_type_id = id;
  }
  if (p.cors && empty_id == 0) {
    empty_id = type_count;
    types[type_count++] = Slice{"", 0};
  }
  p.line = 0;
  if (!compile_tree(arena, p.root)) return p.out_of_memory();

  const Directive** middleware = arena.allocate_array<const Directive*>(p.middleware_count ? p.middleware_count : 1);
  Slice* needed = arena.allocate_array<Slice>(p.needed_count ? p.needed_count : 1);
  if (!middleware || !needed) return p.out_of_memory();
  for (uint32_t i = 0; i < p.middleware_count; ++i) middleware[i] = p.middleware[i];
  for (uint32_t i = 0; i < p.needed_count; ++i) needed[i] = p.needed[i];

  table->root = p.root;
  table->first_route = p.first;
  table->route_count = p.count;
  table->content_types = types;
  table->content_type_count = type_count;
  table->routes = by_index;
  table->middleware = DirectiveChain{middleware, p.middleware_count};
  table->needed_headers = needed;
  table->needed_header_count = p.needed_count;
  table->cors = p.cors;
  table->handler_count = p.handler_count;
  table->empty_content_type_id = empty_id ? empty_id : type_count;
  return true;
}

}  // namespace hotpath
