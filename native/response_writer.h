// Serialises answers into a connection's output: the status line, the
// standard headers and the body, in one append per answer.
#pragma once
#include <cstdint>
#include <string>

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

// Appends an answer of the HTTP layer itself (400, 408, 413, 414, 431, 501,
// 505, 204 for OPTIONS *): text/plain reason as the body.
void append_status_answer(std::string& out, uint16_t status, DateHeader& date, const AnswerOptions& options,
                          const char* extra_headers = "");

// The reason phrases (and the bodies of the answers above) are the core's:
// hotpath::reason_phrase (router/answer.h).

}  // namespace hotpath::native
