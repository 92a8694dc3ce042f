// Drives a real Http1Session the way the event loop does, without a socket:
// each read is appended to the bytes the session has not used yet, handed
// to receive() (copied so that a read past the end is caught: before a
// PROT_NONE page, or in an exact-size heap block for ASan), and what it does
// not use is kept while it reads on and dropped once it stops. The answer
// step is the server's own (RouteAnswers over a real route table), wrapped
// by a recorder that notes every request and its body as the session hands
// them over. Used by tests/cpp (GoogleTest) and tests/fuzz (libFuzzer).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http1_session.h"
#include "response_writer.h"
#include "route_answers.h"
#include "route_tables.h"

namespace hotpath::testing {

// The table the session tests route with (the one of tests/ts/native/http.test.ts).
extern const char kSessionTestTable[];

// A request as the answer step saw it.
struct SeenRequest {
  uint64_t sequence = 0;
  std::string method;
  std::string target;  // as sent
  std::string path;    // as routed
  int version_minor = 0;
  bool keep_alive = false;
  bool expect_continue = false;
  http::BodyFraming framing = http::BodyFraming::kNone;
  uint64_t content_length = 0;
  uint32_t head_length = 0;
  std::string raw_head;
  std::vector<std::pair<std::string, std::string>> fields;
  native::AnswerOptions options{};
  std::string body;       // payload bytes handed over
  bool complete = false;  // no body, or its body_end() came

  bool operator==(const SeenRequest& o) const;
};

// Records each request and its body, then lets `inner` answer it. A request
// for which `defer` holds is answered later: its answer is made at once (by
// `inner`) but kept in `deferred` until the test calls complete() with it.
class RecordingAnswers final : public native::AnswerStep {
 public:
  explicit RecordingAnswers(native::AnswerStep& inner) : inner_(inner) {}
  native::AnswerPlan answer(const native::Request& request, std::string& out) override;
  void body(native::Http1Session& session, uint64_t sequence, const char* data, size_t length) override;
  void body_end(native::Http1Session& session, uint64_t sequence) override;
  void cancel(native::Http1Session& session, uint64_t sequence) override;

  std::vector<SeenRequest> requests;
  std::function<bool(const native::Request&)> defer;
  std::vector<std::pair<uint64_t, std::string>> deferred;  // sequence, answer
  std::vector<uint64_t> cancelled;
  // Checks the invariants of every Request handed over (pointers inside the
  // head, fields as the parser's grammar allows); reports through `fail`.
  std::function<void(const std::string&)> fail;

 private:
  SeenRequest* find(uint64_t sequence);
  native::AnswerStep& inner_;
};

enum class Copy { kGuardPage, kHeap };

class SessionDriver {
 public:
  explicit SessionDriver(const std::string& table = kSessionTestTable, native::SessionLimits limits = {},
                         Copy copy = Copy::kGuardPage);
  ~SessionDriver();

  // One read of `bytes` from the client.
  void receive(const std::string& bytes);
  void end_input() { session_->end_input(); }
  void drain() { session_->drain(); }
  void stop() { session_->stop(); }
  void time_out() { session_->time_out(output_); }
  // Completes the deferred answer of `sequence` (RecordingAnswers::defer).
  void complete(uint64_t sequence);
  // Ends the session (as the event loop does when the connection closes);
  // only answers() and output() may be used afterwards.
  void end_session() { session_.reset(); }

  native::Http1Session& session() { return *session_; }
  RecordingAnswers& answers() { return recorder_; }
  // Everything the session wrote so far.
  const std::string& output() const { return output_; }
  // Bytes received and not used, kept for the next read.
  const std::string& unused() const { return unused_; }
  // Bytes received after the session stopped reading (never parsed).
  size_t ignored() const { return ignored_; }
  size_t receive_calls() const { return receive_calls_; }

 private:
  std::unique_ptr<native::RouteTables> tables_;
  native::DateHeader date_;
  native::RouteAnswers routes_;
  RecordingAnswers recorder_;
  native::SessionContext context_;
  std::unique_ptr<native::Http1Session> session_;
  Copy copy_;
  std::string output_;
  std::string unused_;
  size_t ignored_ = 0;
  size_t receive_calls_ = 0;
};

// One answer of the server, parsed back.
struct ParsedAnswer {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(const std::string& name) const;  // "" when absent
  bool has(const std::string& name) const;
};

// Splits the output into answers. HEAD answers (`heads[i]` for the i-th
// final answer) and 1xx, 204, 304 carry no body. Sets *rest to the bytes
// after the last complete answer. The server always sends Content-Length
// on answers with a body.
std::vector<ParsedAnswer> parse_answers(const std::string& output, const std::vector<bool>& heads, std::string* rest);

// The output with its Date lines removed (they follow the clock).
std::string without_date(const std::string& output);

}  // namespace hotpath::testing
