#include "answer.h"

#include "render.h"

namespace hotpath {

// In router.wasm (one LTO unit) the answer head is built inside the export
// that asks for it rather than handed back through the shadow stack in
// linear memory: 5-8 ns less a call in V8 (bench/wasm-abi.mjs). Native
// builds compile each file alone, and GCC refuses always_inline on a
// function that other files call.
#if defined(__wasm__)
#define HOTPATH_INLINE __attribute__((always_inline))
#else
#define HOTPATH_INLINE
#endif
namespace {

#define HOTPATH_TEXT(s) Slice{s, sizeof(s) - 1}

constexpr Route kUnauthorized = builtin_route(401, error_content_type(), HOTPATH_TEXT("Unauthorized"));
constexpr Route kPreflight = builtin_route(204, Slice{"", 0}, Slice{"", 0});
constexpr Route kBadGateway = builtin_route(502, error_content_type(), HOTPATH_TEXT("Bad Gateway"));

}  // namespace

const Route& unauthorized_route() { return kUnauthorized; }
const Route& preflight_route() { return kPreflight; }
const Route& bad_gateway_route() { return kBadGateway; }

HOTPATH_INLINE void describe_answer(const RouteTable& table, const Match& match,
                                    const DirectiveOutcome& directives, bool handlers, AnswerHead* head) {
  head->allow = 0;
  head->header_set = directives.header_set;
  head->echo = directives.echo;
  head->handler = false;
  const Route* route = match.route;
  uint16_t status = match.status;
  if (directives.status == 204) {
    route = &kPreflight;
    status = 204;
  } else if (directives.status == 401) {
    route = &kUnauthorized;
    status = 401;
  } else if (route->kind == kHandlerRoute) {
    if (handlers) {
      head->handler = true;
      head->status = 0;
      head->route = route;
      head->content_type_id = 0;
      head->content_type = Slice{"", 0};
      head->has_content_length = false;
      head->content_length = 0;
      head->send_body = false;
      return;
    }
    route = &kBadGateway;
    status = 502;
  } else if (status == 405) {
    head->allow = match.allow;
  }
  head->status = status;
  head->route = route;
  head->content_type_id = route == &kPreflight ? table.empty_content_type_id : route->content_type_id;
  head->content_type = route->content_type;
  head->has_content_length = status_sends_content_length(status);
  head->content_length = head->has_content_length ? body_size(*route, match.params) : 0;
  head->send_body = head->has_content_length && !match.head && head->content_length > 0;
}

void answer_request(const RouteTable& table, RequestMethod method, const char* target, uint32_t target_length,
                    char* scratch, const HeaderField* fields, uint32_t field_count, bool handlers, Match* match,
                    AnswerHead* head) {
  match_request(table.root, method, target, target_length, scratch, match);
  DirectiveOutcome directives{0, 0, false};
  if (table.middleware.count || match->route->directives.count) {
    // Only a route's own answer runs its ROUTE_MIDDLEWARE; the router's
    // errors (400, 404, 405, 414) run the MIDDLEWARE lines alone.
    const Route* route = match->route->line ? match->route : nullptr;
    evaluate_directives(table, route, method, fields, field_count, &directives);
  }
  describe_answer(table, *match, directives, handlers, head);
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

}  // namespace hotpath
