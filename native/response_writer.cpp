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
  if (head.header_set) {
    HeaderField set[kMaxSetFields];
    uint32_t n = header_set_fields(routes.table, head.header_set, set, kMaxSetFields);
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
  render_body(*head.route, match.params, &out[at], head.content_length);
}

void append_status_answer(std::string& out, uint16_t status, DateHeader& date, const AnswerOptions& options,
                          const char* extra_headers) {
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
