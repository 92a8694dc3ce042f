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
  out.append(reason_phrase(status));
  out.append("\r\nServer: hotpath\r\n");
}

void append_connection(std::string& out, const AnswerOptions& options) {
  if (options.close) {
    out.append("Connection: close\r\n");
  } else if (options.keep_alive_1_0) {
    out.append("Connection: keep-alive\r\n");
  }
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

const char* reason_phrase(uint16_t status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";  // the reason phrase may be empty (RFC 9112 section 4)
  }
}

void append_routed_answer(std::string& out, const LoadedRoutes& routes, const Match& match, DateHeader& date,
                          const AnswerOptions& options) {
  const Route& route = *match.route;
  append_status_line(out, match.status);
  out.append(date.line());
  if (route.content_type_id < routes.content_type_headers.size()) {
    out.append(routes.content_type_headers[route.content_type_id]);
  }
  const uint32_t size = body_size(route, match.params);
  const bool has_body = status_sends_content_length(match.status);
  if (has_body) {
    out.append("Content-Length: ");
    append_number(out, size);
    out.append("\r\n");
  }
  if (match.status == 405) {
    char allow[kMaxAllowLength];
    out.append("Allow: ");
    out.append(allow, format_allow(match.allow, allow, sizeof allow));
    out.append("\r\n");
  }
  append_connection(out, options);
  out.append("\r\n");
  if (options.head || !has_body || size == 0) return;
  const size_t at = out.size();
  out.resize(at + size);
  render_body(route, match.params, &out[at], size);
}

void append_status_answer(std::string& out, uint16_t status, DateHeader& date, const AnswerOptions& options,
                          const char* extra_headers) {
  append_status_line(out, status);
  out.append(date.line());
  const char* body = status == 204 ? "" : reason_phrase(status);
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
