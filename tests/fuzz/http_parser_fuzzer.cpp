// Fuzz target: the native server's HTTP/1.1 request handling, parser
// (native/http_parser.cpp: parse_request_head, ChunkedDecoder) and session
// (native/http1_session.cpp), on a stream of pipelined requests.
//
// Input: a 16-byte cut header (cut_points.h), then the bytes a client sends.
//
// The server's own Http1Session is driven as the event loop drives it
// (tests/cpp/session_driver.h): each read appended to the bytes it has not
// used yet, copied into an exact-size heap block (so ASan sees any read past
// the end), handed to receive(), the unused rest kept while it reads on. The
// answer step is the server's (RouteAnswers over a small table), recorded on
// the way. The body limit is 1 KiB so that 413 is reachable.
//
// Invariants:
//  - Split reads change nothing: the stream fed whole and fed in the reads
//    the cut header chooses give the same requests to the answer step
//    (method, target, path routed, version, keep-alive, Expect, framing,
//    Content-Length, head bytes, header fields, Connection decision, body
//    bytes, completeness), the same answers (Date lines aside), and the same
//    end (still reading with the same bytes kept, in a body, rejected with
//    the same status, or closed by a request with the same bytes never
//    parsed).
//  - Every request handed over is well formed: method, target and header
//    fields point inside its head; the method is a token; the target has no
//    byte <= 0x20 or 0x7F; field names are tokens, values field bytes
//    without surrounding whitespace; the head ends in CRLF CRLF.
//  - A head is self-contained: parse_request_head on exactly its bytes
//    gives the same head.
//  - A body handed over is never more than the limit, and is complete
//    exactly when the session says it ended.
//  - A rejection status is one of 400, 413, 414, 431, 501, 505.
//  - Answers that come later keep their order: with every other answer
//    deferred (AnswerPlan::later) and completed after the last read, the
//    same requests are handed over and the same answers go out (interim
//    100s aside: one that is due only after its body arrived is not sent),
//    whenever the queue limit is not reached.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "cut_points.h"
#include "fuzz_check.h"
#include "http1_session.h"
#include "http_parser.h"
#include "session_driver.h"

namespace {

using hotpath::native::Http1Session;
using hotpath::testing::SessionDriver;

constexpr uint64_t kMaxBody = 1024;

hotpath::native::SessionLimits limits() {
  hotpath::native::SessionLimits l;
  l.max_body_bytes = kMaxBody;
  return l;
}

struct Outcome {
  std::vector<hotpath::testing::SeenRequest> requests;
  std::string answers;
  Http1Session::Ending ending;
  uint16_t status;
  bool in_body;
  std::string kept;  // still reading: the bytes kept for the next read
  size_t ignored;    // closed by a request: bytes never parsed
  bool operator==(const Outcome& o) const {
    return requests == o.requests && answers == o.answers && ending == o.ending && status == o.status &&
           in_body == o.in_body && kept == o.kept && ignored == o.ignored;
  }
};

void check_self_contained(const hotpath::testing::SeenRequest& r) {
  std::unique_ptr<char[]> copy(new char[r.raw_head.size()]);
  std::memcpy(copy.get(), r.raw_head.data(), r.raw_head.size());
  hotpath::http::RequestHead again;
  hotpath::http::HeaderField fields[hotpath::kMaxHeaderFields];
  hotpath::http::ParseResult result = hotpath::http::parse_request_head(
      copy.get(), r.raw_head.size(), hotpath::http::ParserLimits{}, &again, fields, hotpath::kMaxHeaderFields);
  FUZZ_CHECK(result == hotpath::http::ParseResult::kComplete, "a complete head needs bytes after it");
  FUZZ_CHECK(again.head_length == r.head_length && again.framing == r.framing &&
                 again.content_length == r.content_length && again.keep_alive == r.keep_alive &&
                 again.expect_continue == r.expect_continue && again.version_minor == r.version_minor &&
                 std::string(again.method, again.method_length) == r.method &&
                 std::string(again.target, again.target_length) == r.target && again.field_count == r.fields.size(),
             "the head parsed alone differs from the head parsed with bytes after it");
}

std::string without_continue(std::string answers) {
  static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  for (size_t at; (at = answers.find(kContinue)) != std::string::npos;) answers.erase(at, kContinue.size());
  return answers;
}

Outcome serve(const std::vector<std::string>& reads, bool defer_odd = false) {
  SessionDriver driver(hotpath::testing::kSessionTestTable, limits(), hotpath::testing::Copy::kHeap);
  driver.answers().fail = [](const std::string& what) { FUZZ_CHECK(false, "request handed over: %s", what.c_str()); };
  if (defer_odd) driver.answers().defer = [](const hotpath::native::Request& r) { return r.sequence % 2 == 1; };
  for (const std::string& read : reads) driver.receive(read);
  if (defer_odd) {
    for (size_t i = 0; i < driver.answers().deferred.size(); ++i) {
      const uint64_t sequence = driver.answers().deferred[i].first;
      bool cancelled = false;
      for (uint64_t c : driver.answers().cancelled) cancelled |= c == sequence;
      if (!cancelled) driver.complete(sequence);
    }
    FUZZ_CHECK(!driver.session().awaiting_answers(), "an answer is still awaited after every one was completed");
  }
  const Http1Session& s = driver.session();
  Outcome o{driver.answers().requests,
            hotpath::testing::without_date(driver.output()),
            s.ending(),
            s.rejection_status(),
            s.in_body(),
            s.reading() ? driver.unused() : std::string(),
            s.ending() == Http1Session::Ending::kClosedByRequest ? driver.ignored() : 0};
  if (o.ending == Http1Session::Ending::kRejected) {
    uint16_t st = o.status;
    FUZZ_CHECK(st == 400 || st == 413 || st == 414 || st == 431 || st == 501 || st == 505, "rejection status %u", st);
  }
  for (size_t i = 0; i < o.requests.size(); ++i) {
    const hotpath::testing::SeenRequest& r = o.requests[i];
    check_self_contained(r);
    FUZZ_CHECK(r.body.size() <= kMaxBody, "body of %zu bytes over the limit", r.body.size());
    FUZZ_CHECK(r.framing != hotpath::http::BodyFraming::kContentLength || r.body.size() <= r.content_length);
    const bool last = i + 1 == o.requests.size();
    // Only the last request can be unfinished: its body still arriving, or rejected.
    FUZZ_CHECK(r.complete || last, "request %zu of %zu incomplete", i, o.requests.size());
    if (last && o.in_body) FUZZ_CHECK(!r.complete, "in a body, but the last request is complete");
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hotpath::fuzz::SplitInput in = hotpath::fuzz::split_input(data, size);
  Outcome a = serve({in.payload});
  Outcome b = serve(in.reads);
  FUZZ_CHECK(a == b, "split reads changed the result: %zu vs %zu requests, end %d vs %d, status %u vs %u",
             a.requests.size(), b.requests.size(), static_cast<int>(a.ending), static_cast<int>(b.ending), a.status,
             b.status);
  if (a.requests.size() < hotpath::native::kMaxQueuedAnswers) {
    Outcome c = serve({in.payload}, true);
    FUZZ_CHECK(c.requests == a.requests && c.ending == a.ending && c.status == a.status && c.in_body == a.in_body,
               "deferred answers changed what was parsed: %zu vs %zu requests", c.requests.size(), a.requests.size());
    FUZZ_CHECK(without_continue(c.answers) == without_continue(a.answers), "deferred answers changed the answers");
  }
  return 0;
}
