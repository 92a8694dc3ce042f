#include "response_writer.h"

#include <ctime>

namespace hotpath::native {
namespace {

void append_number(std::string& out, uint64_t v) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out.push_back(digits[--n]);
}

void append_status_line(std::string& out, uint16_t status) {
  out.append("HTTP/1.1 ");
  append_number(out, status);
  out.push_back(' ');
  out.append(hotpath::reason_phrase(status));
  out.append("\r\nServer: hotpath\r\n");
}

void append_connection(std::string& out, const AnswerOptions& options) {
  if (options.close) {
    out.append("Connection: close\r\n");
  } else if (options.keep_alive_1_0) {
    out.append("Connection: keep-alive\r\n");
  }
}

bool same_name(Slice a, Slice b) {
  if (a.size != b.size) return false;
  for (uint32_t i = 0; i < a.size; ++i) {
    if (ascii_lower(a.data[i]) != ascii_lower(b.data[i])) return false;
  }
  return true;
}

bool same_name(std::string_view a, std::string_view b) { return same_name(Slice{a.data(), static_cast<uint32_t>(a.size())}, Slice{b.data(), static_cast<uint32_t>(b.size())}); }

std::string_view view(Slice s) { return std::string_view(s.data, s.size); }

bool valid_name(Slice name) {
  if (name.size == 0) return false;
  for (uint32_t i = 0; i < name.size; ++i) {
    if (!is_tchar(static_cast<unsigned char>(name.data[i]))) return false;
  }
  return true;
}

// A field value may hold visible bytes, spaces, tabs and obs-text, never a
// control byte (CR or LF would start a field of the fallback's choosing).
bool valid_value(Slice value) {
  for (uint32_t i = 0; i < value.size; ++i) {
    unsigned char c = static_cast<unsigned char>(value.data[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

// The fields of a forwarded answer that are the server's (framing,
// connection, Date, Server) or only meant for the hop before it.
bool hop_by_hop(Slice name) {
  static constexpr const char* kDropped[] = {
      "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
      "proxy-connection", "date", "server", "content-length",
  };
  for (const char* dropped : kDropped) {
    if (slice_equals_nocase(name, dropped)) return true;
  }
  return false;
}

// Calls f(token) for each comma-separated token of a list value, trimmed.
template <typename F>
void each_token(std::string_view list, F f) {
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view token = list.substr(at, comma - at);
    while (!token.empty() && is_ows(token.front())) token.remove_prefix(1);
    while (!token.empty() && is_ows(token.back())) token.remove_suffix(1);
    if (!token.empty()) f(token);
    at = comma + 1;
  }
}

// Calls f(name, value) for each "Name: value\r\n" line of rendered fields.
template <typename F>
void each_line(std::string_view lines, F f) {
  size_t at = 0;
  while (at < lines.size()) {
    size_t end = lines.find("\r\n", at);
    if (end == std::string_view::npos) end = lines.size();
    std::string_view line = lines.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      f(line.substr(0, colon), value);
    }
    at = end + 2;
  }
}

bool digits_only(Slice s) {
  if (s.size == 0 || s.size > 19) return false;
  for (uint32_t i = 0; i < s.size; ++i) {
    if (s.data[i] < '0' || s.data[i] > '9') return false;
  }
  return true;
}

}  // namespace

const std::string& DateHeader::line() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  if (now.tv_sec != second_) {
    second_ = now.tv_sec;
    tm parts{};
    gmtime_r(&now.tv_sec, &parts);
    char text[64];
    size_t n = strftime(text, sizeof text, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &parts);
    line_.assign(text, n);
  }
  return line_;
}

void append_answer(std::string& out, const LoadedRoutes& routes, const AnswerHead& head, const Match& match,
                   const HeaderField* fields, uint32_t field_count, DateHeader& date, const AnswerOptions& options) {
  append_status_line(out, head.status);
  out.append(date.line());
  if (head.content_type_id < routes.content_type_headers.size()) out.append(routes.content_type_headers[head.content_type_id]);
  if (head.has_content_length) {
    out.append("Content-Length: ");
    append_number(out, head.content_length);
    out.append("\r\n");
  }
  if (head.allow) {
    char allow[kMaxAllowLength];
    out.append("Allow: ");
    out.append(allow, format_allow(head.allow, allow, sizeof allow));
    out.append("\r\n");
  }
  if (head.header_set) append_header_set(out, routes, head.header_set);
  if (head.echo) {
    Slice name = routes.table.needed_headers[routes.table.cors->headers_field];
    out.append("Access-Control-Allow-Headers: ");
    const size_t at = out.size();
    out.resize(at + joined_field_value(fields, field_count, name, nullptr, 0));
    joined_field_value(fields, field_count, name, &out[at], static_cast<uint32_t>(out.size() - at));
    out.append("\r\n");
  }
  append_connection(out, options);
  out.append("\r\n");
  if (options.head || !head.send_body) return;
  const size_t at = out.size();
  out.resize(at + head.content_length);
  write_body(*head.route, match.params, &out[at]);
}

void append_header_set(std::string& out, const LoadedRoutes& routes, uint32_t header_set) {
  HeaderField set[kMaxSetFields];
  uint32_t n = header_set_fields(routes.table, header_set, set, kMaxSetFields);
  // Several fields of one name (an appended Vary) go out as one line,
  // their values joined by ", " (RFC 9110 5.3).
  for (uint32_t i = 0; i < n; ++i) {
    bool written = false;
    for (uint32_t j = 0; j < i && !written; ++j) written = same_name(set[j].name, set[i].name);
    if (written) continue;
    out.append(set[i].name.data, set[i].name.size);
    out.append(": ");
    out.append(set[i].value.data, set[i].value.size);
    for (uint32_t j = i + 1; j < n; ++j) {
      if (!same_name(set[j].name, set[i].name)) continue;
      out.append(", ");
      out.append(set[j].value.data, set[j].value.size);
    }
    out.append("\r\n");
  }
}

bool append_forwarded_answer(std::string& out, const ForwardedAnswer& answer, std::string_view directive_fields,
                             DateHeader& date, const AnswerOptions& options) {
  if (answer.status < 200 || answer.status > 599) return false;
  // First every check, so that a bad answer appends nothing.
  const HeaderField* fields = answer.fields;
  for (uint32_t i = 0; i < answer.field_count; ++i) {
    if (!valid_name(fields[i].name) || !valid_value(fields[i].value)) return false;
  }
  // A field is dropped when it is the server's, or hop-by-hop (the fixed
  // ones, and those the fallback's Connection field names, RFC 9110 7.6.1),
  // or set by a directive (which replaces it), except Vary: the
  // directive's (CORS's Origin) is added to the fallback's.
  auto connection_names = [&](Slice name) {
    bool named = false;
    for (uint32_t i = 0; i < answer.field_count && !named; ++i) {
      if (!slice_equals_nocase(fields[i].name, "connection")) continue;
      each_token(view(fields[i].value), [&](std::string_view token) { named = named || same_name(token, view(name)); });
    }
    return named;
  };
  auto set_by_directive = [&](Slice name) {
    bool set = false;
    each_line(directive_fields, [&](std::string_view n, std::string_view) { set = set || same_name(n, view(name)); });
    return set;
  };
  std::string vary;  // the fallback's Vary fields, joined
  bool directive_vary = false;
  each_line(directive_fields, [&](std::string_view n, std::string_view) { directive_vary |= same_name(n, "vary"); });

  const bool no_content = answer.status == 204 || answer.status == 304;
  const Slice* declared_length = nullptr;  // HEAD: the fallback's Content-Length
  append_status_line(out, answer.status);
  out.append(date.line());
  for (uint32_t i = 0; i < answer.field_count; ++i) {
    const HeaderField& f = fields[i];
    if (slice_equals_nocase(f.name, "content-length") && !declared_length && digits_only(f.value)) {
      declared_length = &f.value;
    }
    if (hop_by_hop(f.name) || connection_names(f.name)) continue;
    if (directive_vary && slice_equals_nocase(f.name, "vary")) {
      if (!vary.empty()) vary.append(", ");
      vary.append(f.value.data, f.value.size);
      continue;
    }
    if (set_by_directive(f.name)) continue;
    out.append(f.name.data, f.name.size);
    out.append(": ");
    out.append(f.value.data, f.value.size);
    out.append("\r\n");
  }
  if (!no_content) {
    if (!options.head) {
      out.append("Content-Length: ");
      append_number(out, answer.body.size());
      out.append("\r\n");
    } else if (declared_length) {
      out.append("Content-Length: ");
      out.append(declared_length->data, declared_length->size);
      out.append("\r\n");
    } else if (!answer.body.empty()) {
      out.append("Content-Length: ");
      append_number(out, answer.body.size());
      out.append("\r\n");
    }
  }
  each_line(directive_fields, [&](std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    if (same_name(name, "vary") && !vary.empty()) {
      // Vary: the fallback's list, then each directive token it lacks.
      std::string merged = vary;
      each_token(value, [&](std::string_view token) {
        bool listed = false;
        each_token(vary, [&](std::string_view have) { listed = listed || have == "*" || same_name(have, token); });
        if (!listed) merged.append(", ").append(token);
      });
      out.append(merged);
    } else {
      out.append(value);
    }
    out.append("\r\n");
  });
  append_connection(out, options);
  out.append("\r\n");
  if (!options.head && !no_content) out.append(answer.body);
  return true;
}

void append_status_answer(std::string& out, uint16_t status, DateHeader& date, const AnswerOptions& options,
                          std::string_view extra_headers) {
  append_status_line(out, status);
  out.append(date.line());
  const char* body = status == 204 ? "" : hotpath::reason_phrase(status);
  std::string_view text(body);
  if (status != 204) {
    out.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
    append_number(out, text.size());
    out.append("\r\n");
  }
  out.append(extra_headers);
  append_connection(out, options);
  out.append("\r\n");
  if (!options.head) out.append(text);
}

}  // namespace hotpath::native
