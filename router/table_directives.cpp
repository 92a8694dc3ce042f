// The table's directive lines: handler routes (PROXY, PROXY_UNIX,
// PROXY_TCP) and middleware (MIDDLEWARE, ROUTE_MIDDLEWARE). Formats and rules:
// tests/vectors/README.md ("Directives", "Handler routes").
#include "method.h"
#include "percent.h"
#include "table_parser.h"

namespace hotpath::detail {
namespace {

constexpr const char* kDefaultCorsMethods = "GET, HEAD, PUT, POST, DELETE, PATCH";

bool is_token(Slice s) {
  if (s.size == 0) return false;
  for (uint32_t i = 0; i < s.size; ++i) {
    if (!is_tchar(static_cast<unsigned char>(s.data[i]))) return false;
  }
  return true;
}

// Calls fn(item) for each ','-separated item, trimmed; stops when fn is false.
template <typename F>
bool each_item(Slice list, F fn) {
  uint32_t start = 0;
  for (uint32_t i = 0; i <= list.size; ++i) {
    if (i < list.size && list.data[i] != ',') continue;
    if (!fn(trim_ows(Slice{list.data + start, i - start}))) return false;
    start = i + 1;
  }
  return true;
}

bool parse_decimal(Slice s, uint32_t max, uint32_t* value) {
  if (s.size == 0 || s.size > 10) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < s.size; ++i) {
    if (s.data[i] < '0' || s.data[i] > '9') return false;
    v = v * 10 + static_cast<uint32_t>(s.data[i] - '0');
  }
  if (v > max) return false;
  *value = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

bool Parser::need_header(Slice name, uint32_t* index) {
  for (uint32_t i = 0; i < needed_count; ++i) {
    if (needed[i].size != name.size) continue;
    bool same = true;
    for (uint32_t j = 0; same && j < name.size; ++j) same = needed[i].data[j] == ascii_lower(name.data[j]);
    if (same) {
      *index = i;
      return true;
    }
  }
  if (needed_count == kMaxNeededHeaders) {
    MessageWriter w = fail();
    w.text("more than ").number(kMaxNeededHeaders).text(" distinct request header names read by REQUIRE_HEADER and CORS");
    return finish(w);
  }
  char* lower = arena.allocate_array<char>(name.size ? name.size : 1);
  if (!lower) return out_of_memory();
  for (uint32_t j = 0; j < name.size; ++j) lower[j] = ascii_lower(name.data[j]);
  needed[needed_count] = Slice{lower, name.size};
  *index = needed_count++;
  return true;
}

bool Parser::parse_handler_route(const LineFields& f) {
  Slice word = f.field[0];
  UpstreamKind kind = slice_equals(word, "PROXY") ? kDefaultUpstream
                      : slice_equals(word, "PROXY_UNIX") ? kUnixUpstream : kTcpUpstream;
  uint32_t min = kind == kDefaultUpstream ? 3 : 4;
  uint32_t max = kind == kTcpUpstream ? 5 : min;
  if (f.count < min || f.count > max) {
    MessageWriter w = fail();
    w.text(kind == kDefaultUpstream ? "expected PROXY METHOD PATH"
           : kind == kUnixUpstream  ? "expected PROXY_UNIX METHOD PATH SOCKET-PATH"
                                    : "expected PROXY_TCP METHOD PATH HOST:PORT")
        .text(" (tab-separated), found ").number(f.count).text(" fields");
    return finish(w);
  }
  uint32_t slot = route_method_from_token(f.field[1].data, f.field[1].size);
  if (slot == kRouteMethodCount) {
    MessageWriter w = fail();
    w.text("unknown method ").excerpt(f.field[1], 24).text(" (methods: GET HEAD POST PUT PATCH DELETE OPTIONS ANY, in capitals)");
    return finish(w);
  }
  Slice upstream{"", 0};
  if (kind == kUnixUpstream) {
    upstream = f.field[3];
    bool ok = upstream.size > 0 && upstream.size <= 107;
    for (uint32_t i = 0; ok && i < upstream.size; ++i) ok = static_cast<uint8_t>(upstream.data[i]) >= 0x20;
    if (!ok) {
      MessageWriter w = fail();
      w.text("invalid socket path ").excerpt(upstream).text(": 1 to 107 bytes, no control bytes");
      return finish(w);
    }
  } else if (kind == kTcpUpstream) {
    // HOST:PORT in one field, or HOST and PORT in two.
    Slice host = f.field[3];
    Slice port{"", 0};
    if (f.count == 5) {
      port = f.field[4];
    } else {
      uint32_t colon = host.size;
      while (colon > 0 && host.data[colon - 1] != ':') --colon;
      if (colon > 0) {
        port = Slice{host.data + colon, host.size - colon};
        host.size = colon - 1;
      }
    }
    uint32_t port_number = 0;
    bool ok = host.size > 0 && parse_decimal(port, 65535, &port_number) && port_number > 0;
    for (uint32_t i = 0; ok && i < host.size; ++i) {
      uint8_t c = static_cast<uint8_t>(host.data[i]);
      ok = c > 0x20 && c < 0x7F && c != '/';
    }
    if (!ok) {
      MessageWriter w = fail();
      w.text("invalid TCP address ").excerpt(f.field[3]).text(
          ": expected HOST:PORT with a port from 1 to 65535");
      return finish(w);
    }
    upstream = f.field[3];
    if (f.count == 5) {
      // Stored as HOST:PORT, the one form hosts read.
      char* joined = arena.allocate_array<char>(host.size + 1 + port.size);
      if (!joined) return out_of_memory();
      copy_bytes(joined, host.data, host.size);
      joined[host.size] = ':';
      copy_bytes(joined + host.size + 1, port.data, port.size);
      upstream = Slice{joined, host.size + 1 + port.size};
    }
  }

  PatternSegment segments[kMaxSegments];
  Slice names[kMaxParams];
  uint32_t segment_count = 0;
  uint32_t name_count = 0;
  if (!parse_path(f.field[2], segments, &segment_count, names, &name_count)) return false;
  Route* route = arena.allocate_array<Route>(1);
  Slice* stored_names = arena.allocate_array<Slice>(name_count ? name_count : 1);
  char* path = copy(f.field[2]);
  char* stored_upstream = copy(upstream);
  if (!route || !stored_names || !path || !stored_upstream) return out_of_memory();
  for (uint32_t i = 0; i < name_count; ++i) stored_names[i] = names[i];
  route->line = line;
  route->status = 0;
  route->method_slot = static_cast<uint8_t>(slot);
  route->path = Slice{path, f.field[2].size};
  route->content_type = Slice{"", 0};
  route->body = Slice{"", 0};
  route->param_names = stored_names;
  route->param_count = name_count;
  route->kind = kHandlerRoute;
  route->upstream_kind = kind;
  route->upstream = Slice{stored_upstream, upstream.size};
  if (!add_route(route, segments, segment_count)) return false;
  ++handler_count;
  return true;
}

namespace {

// The field-name and field-value rules of RFC 9110 section 5 for what a
// directive puts in a header: a token name; a value without control bytes
// (tab allowed inside) and without the surrounding whitespace HTTP strips.
bool check_name(Parser& p, Slice name) {
  if (is_token(name)) return true;
  MessageWriter w = p.fail();
  w.text("invalid header name ").excerpt(name).text(": a header name is a token (letters, digits, !#$%&'*+-.^_`|~)");
  return p.finish(w);
}

bool check_value(Parser& p, Slice value) {
  bool ok = true;
  for (uint32_t i = 0; ok && i < value.size; ++i) {
    uint8_t c = static_cast<uint8_t>(value.data[i]);
    ok = (c >= 0x20 || c == '\t') && c != 0x7F;
  }
  if (!ok) {
    MessageWriter w = p.fail();
    w.text("invalid header value ").excerpt(value).text(": control bytes are not allowed in a header value");
    return p.finish(w);
  }
  if (value.size && (is_ows(value.data[0]) || is_ows(value.data[value.size - 1]))) {
    MessageWriter w = p.fail();
    w.text("header value ").excerpt(value).text(" has leading or trailing whitespace, which HTTP removes");
    return p.finish(w);
  }
  return true;
}

}  // namespace

bool Parser::parse_middleware(const LineFields& f) {
  Slice kind = f.count > 1 ? f.field[1] : Slice{"", 0};
  bool header = slice_equals(kind, "HEADER");
  bool require = slice_equals(kind, "REQUIRE_HEADER");
  bool is_cors = slice_equals(kind, "CORS");
  if (!header && !require && !is_cors) {
    MessageWriter w = fail();
    w.text("unknown MIDDLEWARE ").excerpt(kind, 24).text(" (expected HEADER, CORS or REQUIRE_HEADER)");
    return finish(w);
  }
  if (middleware_count == kMaxChainSteps) {
    MessageWriter w = fail();
    w.text("more than ").number(kMaxChainSteps).text(" MIDDLEWARE lines");
    return finish(w);
  }
  Directive* d = arena.allocate_array<Directive>(1);
  if (!d) return out_of_memory();
  d->line = line;
  if (is_cors) {
    if (f.count < 3 || f.count > 7) {
      MessageWriter w = fail();
      w.text("expected MIDDLEWARE CORS ORIGIN [METHODS [HEADERS [CREDENTIALS [MAX-AGE]]]] (tab-separated), found ")
          .number(f.count).text(" fields");
      return finish(w);
    }
    if (cors) {
      MessageWriter w = fail();
      w.text("a second MIDDLEWARE CORS line (the first is line ").number(cors_line).text(")");
      return finish(w);
    }
    CorsPolicy* policy = arena.allocate_array<CorsPolicy>(1);
    if (!policy) return out_of_memory();
    if (!parse_cors(f, policy)) return false;
    d->kind = kCorsDirective;
    d->cors = policy;
    cors = policy;
    cors_line = line;
  } else {
    // HEADER NAME VALUE (VALUE may be left out: empty); REQUIRE_HEADER NAME VALUE.
    if (f.count < (header ? 3u : 4u) || f.count > 4) {
      MessageWriter w = fail();
      w.text(header ? "expected MIDDLEWARE HEADER NAME VALUE" : "expected MIDDLEWARE REQUIRE_HEADER NAME VALUE")
          .text(" (tab-separated), found ").number(f.count).text(" fields");
      return finish(w);
    }
    if (!parse_header_step(header, f.field[2], f.count == 4 ? f.field[3] : Slice{"", 0}, d)) return false;
  }
  middleware_lines[middleware_count] = line;
  middleware[middleware_count++] = d;
  return true;
}

bool Parser::parse_header_step(bool header, Slice name, Slice value, Directive* d) {
  if (!check_name(*this, name) || !check_value(*this, value)) return false;
  if (header && !header_is_settable(name)) {
    MessageWriter w = fail();
    w.text("header ").excerpt(name).text(
        " cannot be set by a directive: the router or the HTTP layer owns it (Content-Type, Content-Length, "
        "Allow, Date, Server, Connection and the framing fields)");
    return finish(w);
  }
  if (!header && value.size == 0) {
    MessageWriter w = fail();
    w.text("REQUIRE_HEADER ").excerpt(name).text(" needs a non-empty value (the secret a request must send)");
    return finish(w);
  }
  char* stored_name = copy(name);
  char* stored_value = copy(value);
  if (!stored_name || !stored_value) return out_of_memory();
  d->kind = header ? kHeaderDirective : kRequireHeaderDirective;
  d->name = Slice{stored_name, name.size};
  d->value = Slice{stored_value, value.size};
  if (!header) {
    if (!need_header(name, &d->needed)) return false;
    if (slice_equals_nocase(name, "authorization")) {
      // RFC 9110 section 11.6.1: a 401 names the scheme it wants.
      uint32_t n = 0;
      while (n < value.size && value.data[n] != ' ') ++n;
      d->challenge = n ? Slice{stored_value, n} : Slice{"Bearer", 6};
    }
  }
  return true;
}

bool Parser::parse_cors(const LineFields& f, CorsPolicy* policy) {
  Slice origin = f.field[2];
  Slice methods = f.count > 3 ? trim_ows(f.field[3]) : Slice{"", 0};
  Slice headers = f.count > 4 ? trim_ows(f.field[4]) : Slice{"", 0};
  Slice credentials = f.count > 5 ? f.field[5] : Slice{"", 0};
  Slice max_age = f.count > 6 ? f.field[6] : Slice{"", 0};

  if (slice_equals(credentials, "true")) {
    policy->credentials = true;
  } else if (credentials.size != 0 && !slice_equals(credentials, "false")) {
    MessageWriter w = fail();
    w.text("invalid CORS credentials ").excerpt(credentials).text(": expected true, false or nothing");
    return finish(w);
  }
  if (slice_equals(trim_ows(origin), "*")) {
    if (policy->credentials) {
      MessageWriter w = fail();
      w.text("CORS with credentials needs explicit origins: browsers refuse '*' with credentials");
      return finish(w);
    }
    policy->origin_count = 0;
  } else {
    Slice* origins = arena.allocate_array<Slice>(kMaxCorsOrigins);
    if (!origins) return out_of_memory();
    uint32_t n = 0;
    Slice bad{nullptr, 0};
    bool ok = each_item(origin, [&](Slice item) {
      bool good = item.size > 0 && n < kMaxCorsOrigins && !slice_equals(item, "*");
      for (uint32_t i = 0; good && i < item.size; ++i) {
        uint8_t c = static_cast<uint8_t>(item.data[i]);
        good = c > 0x20 && c < 0x7F;
      }
      if (!good) bad = item;
      else origins[n++] = item;
      return good;
    });
    if (!ok) {
      MessageWriter w = fail();
      if (n == kMaxCorsOrigins) {
        w.text("more than ").number(kMaxCorsOrigins).text(" CORS origins");
      } else {
        w.text("invalid CORS origin ").excerpt(bad).text(
            ": expected '*' or origins such as https://example.com, separated by ','");
      }
      return finish(w);
    }
    for (uint32_t i = 0; i < n; ++i) {
      char* stored = copy(origins[i]);
      if (!stored) return out_of_memory();
      origins[i].data = stored;
    }
    policy->origins = origins;
    policy->origin_count = n;
  }
  // METHODS and HEADERS: ','-separated tokens, sent ", "-joined.
  Slice* lists[2] = {&policy->methods, &policy->allow_headers};
  Slice inputs[2] = {methods, headers};
  for (uint32_t which = 0; which < 2; ++which) {
    Slice input = inputs[which];
    if (input.size == 0) {
      *lists[which] = which == 0 ? Slice{kDefaultCorsMethods, 35} : Slice{"", 0};
      continue;
    }
    char* out = arena.allocate_array<char>(input.size * 2 + 1);
    if (!out) return out_of_memory();
    uint32_t size = 0;
    Slice bad{nullptr, 0};
    bool ok = each_item(input, [&](Slice item) {
      bool good = which == 0 ? is_token(item) : (is_token(item) || slice_equals(item, "*"));
      if (!good) {
        bad = item;
        return false;
      }
      if (size) {
        out[size++] = ',';
        out[size++] = ' ';
      }
      copy_bytes(out + size, item.data, item.size);
      size += item.size;
      return true;
    });
    if (!ok) {
      MessageWriter w = fail();
      w.text(which == 0 ? "invalid CORS method " : "invalid CORS header name ").excerpt(bad).text(
          which == 0 ? ": expected methods such as GET, POST separated by ','"
                     : ": expected header names separated by ',' (or nothing: echo the requested ones)");
      return finish(w);
    }
    *lists[which] = Slice{out, size};
  }
  if (max_age.size) {
    uint32_t seconds = 0;
    if (!parse_decimal(max_age, 0x7FFFFFFFu, &seconds)) {
      MessageWriter w = fail();
      w.text("invalid CORS max age ").excerpt(max_age).text(": expected whole seconds");
      return finish(w);
    }
    char* stored = copy(max_age);
    if (!stored) return out_of_memory();
    policy->has_max_age = true;
    policy->max_age = Slice{stored, max_age.size};
  }
  return need_header(Slice{"origin", 6}, &policy->origin_field) &&
         need_header(Slice{"access-control-request-method", 29}, &policy->method_field) &&
         need_header(Slice{"access-control-request-headers", 30}, &policy->headers_field);
}

bool Parser::parse_route_middleware(const LineFields& f) {
  Slice kind = f.count > 2 ? f.field[2] : Slice{"", 0};
  bool header = slice_equals(kind, "HEADER");
  bool require = slice_equals(kind, "REQUIRE_HEADER");
  if (!header && !require) {
    MessageWriter w = fail();
    if (slice_equals(kind, "CORS")) {
      w.text("CORS applies to the whole table: write it as MIDDLEWARE CORS");
    } else {
      w.text("unknown ROUTE_MIDDLEWARE ").excerpt(kind, 24).text(" (expected HEADER or REQUIRE_HEADER)");
    }
    return finish(w);
  }
  if (f.count < (header ? 4u : 5u) || f.count > 5) {
    MessageWriter w = fail();
    w.text("expected ROUTE_MIDDLEWARE INDEX ").text(header ? "HEADER" : "REQUIRE_HEADER")
        .text(" NAME VALUE (tab-separated), found ").number(f.count).text(" fields");
    return finish(w);
  }
  uint32_t index = 0;
  if (!parse_decimal(f.field[1], 0xFFFFFFFFu, &index)) {
    MessageWriter w = fail();
    w.text("invalid route index ").excerpt(f.field[1]).text(": expected the route's number, counting routes from 0");
    return finish(w);
  }
  Directive* d = arena.allocate_array<Directive>(1);
  PendingStep* step = arena.allocate_array<PendingStep>(1);
  if (!d || !step) return out_of_memory();
  d->line = line;
  if (!parse_header_step(header, f.field[3], f.count == 5 ? f.field[4] : Slice{"", 0}, d)) return false;
  step->route_index = index;
  step->directive = d;
  if (pending_last) pending_last->next = step; else pending_first = step;
  pending_last = step;
  return true;
}

bool Parser::attach_route_middleware(Route** by_index) {
  // Count first, then fill: each route's steps in one array, in line order.
  for (PendingStep* s = pending_first; s; s = s->next) {
    line = s->directive->line;
    if (s->route_index >= count) {
      MessageWriter w = fail();
      w.text("ROUTE_MIDDLEWARE names route ").number(s->route_index).text(", but the table has ").number(count)
          .text(count == 1 ? " route" : " routes").text(" (numbered from 0 in table order)");
      return finish(w);
    }
    if (s->route_index >= kMaxMiddlewareRoute) {
      MessageWriter w = fail();
      w.text("ROUTE_MIDDLEWARE supports routes numbered below ").number(kMaxMiddlewareRoute);
      return finish(w);
    }
    Route* r = by_index[s->route_index];
    if (r->directives.count == kMaxChainSteps) {
      MessageWriter w = fail();
      w.text("more than ").number(kMaxChainSteps).text(" ROUTE_MIDDLEWARE lines for route ").number(s->route_index);
      return finish(w);
    }
    ++r->directives.count;
  }
  for (uint32_t i = 0; i < count; ++i) {
    Route* r = by_index[i];
    if (r->directives.count == 0) continue;
    const Directive** steps = arena.allocate_array<const Directive*>(r->directives.count);
    if (!steps) return out_of_memory();
    r->directives.steps = steps;
    r->directives.count = 0;
  }
  for (PendingStep* s = pending_first; s; s = s->next) {
    DirectiveChain& chain = by_index[s->route_index]->directives;
    const_cast<const Directive**>(chain.steps)[chain.count++] = s->directive;
  }
  line = 0;
  return true;
}

}  // namespace hotpath::detail
