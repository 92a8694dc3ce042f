// Serialises answers into a connection's output: the status line, the
// standard headers and the body, in one append per answer.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "loaded_routes.h"

namespace hotpath::native {

// "Date: ...\r\n", re-formatted at most once a second per thread.
class DateHeader {
 public:
  const std::string& line();

 private:
  int64_t second_ = -1;
  std::string line_;
};

struct AnswerOptions {
  bool head;        // HEAD: headers only
  bool close;       // add "Connection: close"
  bool keep_alive_1_0;  // HTTP/1.0 keep-alive: add "Connection: keep-alive"
};

// Appends the answer the core decided (hotpath::answer_request): the head
// it describes, the body rendered from the match's parameters, and the
// directives' fields. `fields`: the request's header fields (for a CORS
// preflight that echoes the requested headers). A handler route's head is
// not an answer: the caller forwards the request instead.
void append_answer(std::string& out, const LoadedRoutes& routes, const AnswerHead& head, const Match& match,
                   const HeaderField* fields, uint32_t field_count, DateHeader& date, const AnswerOptions& options);

// Appends the fields of a directives' header set (header_set_fields) as
// "Name: value\r\n" lines, several fields of one name on one line.
void append_header_set(std::string& out, const LoadedRoutes& routes, uint32_t header_set);

// A handler route's answer as its fallback gave it (native/fallback-protocol.md).
struct ForwardedAnswer {
  uint16_t status;
  const HeaderField* fields;  // the fallback's fields, in order
  uint32_t field_count;
  std::string_view body;
};

// Appends a forwarded answer: our status line, Server and Date; the
// fallback's fields without hop-by-hop ones (and those its Connection
// names), Date, Server and Content-Length; Content-Length from the body (a
// HEAD answer keeps the fallback's, and sends no body; 204 and 304 none);
// then `directive_fields` (append_header_set's lines, rendered when the
// request was forwarded), which replace the fallback's fields of the same
// name, but add to its Vary. Returns false, appending nothing, when the
// status is outside 200..599 or a field is not a valid field line (a name
// that is not a token, a value with a control byte).
bool append_forwarded_answer(std::string& out, const ForwardedAnswer& answer, std::string_view directive_fields,
                             DateHeader& date, const AnswerOptions& options);

// Appends an answer of the HTTP layer itself (400, 408, 413, 414, 431, 501,
// 505, 204 for OPTIONS *), or of the proxy (502, 503, 504): text/plain
// reason as the body. `extra_headers`: whole header lines.
void append_status_answer(std::string& out, uint16_t status, DateHeader& date, const AnswerOptions& options,
                          std::string_view extra_headers = {});

// The reason phrases (and the bodies of the answers above) are the core's:
// hotpath::reason_phrase (router/answer.h).

}  // namespace hotpath::native
