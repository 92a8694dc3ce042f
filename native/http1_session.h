// The HTTP/1.1 session of one connection, without the connection (RFC 9112;
// h2o's lib/http1.c next to its evloop is the model): bytes in; answers in
// request order, and the keep-alive and close decisions, out. It owns every
// HTTP rule of the native server: framing (heads, Content-Length and chunked
// bodies, pipelining), the target forms, the body limit, 100-continue, the
// Connection header and when to stop reading. It owns no socket, no timer
// and no buffer of unparsed bytes: the event loop (event_loop.h), the tests
// and the fuzz target drive it alike.
//
// Driving it: hand receive() every byte received and not yet used (the
// picohttpparser contract: a head cut by the end of a read is parsed again
// from its start once more bytes arrived; keep what receive() did not use
// and pass it again, followed by the next bytes). Write what it appends to
// `out`, in order. When reading() turns false, drop what is not used yet,
// write what is queued, then close.
//
// Answers are produced by an AnswerStep, one per request, either at once
// (written to `out`, or held while earlier answers are still due) or later
// through complete(): a queue of answer slots keeps them in request order
// while later pipelined requests are parsed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http_parser.h"
#include "method.h"
#include "response_writer.h"

namespace hotpath::native {

class Http1Session;

// One request, as the session hands it to its answer step. Every pointer
// points into the bytes given to Http1Session::receive(): valid during the
// call only (an answer step that answers later copies what it needs).
struct Request {
  Http1Session* session;          // the connection's session: with `sequence`, names the answer
  uint64_t sequence;              // 0, 1, 2... on this connection; names its answer slot
  const http::RequestHead* head;  // as parsed: method token, target as sent, version, framing
  const char* raw_head;           // the head's bytes (head->head_length of them), e.g. to forward
  const http::HeaderField* fields;  // the header fields, in order
  uint32_t field_count;
  RequestMethod method;
  const char* path;  // what to route: the target, or an absolute-form target's path
  uint32_t path_length;
  AnswerOptions options;  // HEAD, and the Connection header the answer must carry
};

// What an answer step does with a request.
struct AnswerPlan {
  // The answer is not in `out` now: it comes through Http1Session::complete().
  bool later = false;
  // The request body goes to AnswerStep::body() and body_end() as it is
  // framed (never more than --max-body-bytes); otherwise it is framed and
  // discarded.
  bool read_body = false;
};

// Produces the answer to each request (RouteAnswers for hotpath-server).
// One answer step serves every session of an event loop: a request is
// named by its session and its sequence.
class AnswerStep {
 public:
  // Appends the whole answer to `out` (status line to body), or returns
  // {later: true} and appends nothing.
  virtual AnswerPlan answer(const Request& request, std::string& out) = 0;
  // Body bytes of request `sequence` (after a plan with read_body). The
  // step may call session.pause_body() here (back-pressure).
  virtual void body(Http1Session& session, uint64_t sequence, const char* data, size_t length);
  // The body of request `sequence` is complete.
  virtual void body_end(Http1Session& session, uint64_t sequence);
  // A later answer that will not be written: the request's body was
  // rejected, or the session ended first (then it is being destroyed:
  // only its address may be used). complete() must not be called.
  virtual void cancel(Http1Session& session, uint64_t sequence);

 protected:
  ~AnswerStep() = default;
};

struct SessionLimits {
  http::ParserLimits parser;
  uint64_t max_body_bytes = 1024 * 1024;  // --max-body-bytes: over it, 413
};

// What the sessions of one event loop share.
struct SessionContext {
  SessionLimits limits;
  DateHeader* date;
  AnswerStep* answers;
};

class Http1Session {
 public:
  // Why a session reads no further request.
  enum class Ending : uint8_t {
    kReading,          // it still does
    kClosedByRequest,  // the last request did not keep the connection alive (RFC 9112 9.3)
    kRejected,         // a framing or syntax error was answered (rejection_status()): close
    kTimedOut,         // time_out(): 408 answered
    kInputEnded,       // end_input(): the client half-closed
    kStopped,          // stop(), or drain() and then a request
  };

  // A caller that must find its connection from a session (an answer that
  // completes later names only the session) derives its connection from
  // Http1Session: one allocation, and no pointer back.
  explicit Http1Session(SessionContext& context) : context_(&context) {}
  ~Http1Session();
  Http1Session(const Http1Session&) = delete;
  Http1Session& operator=(const Http1Session&) = delete;

  // Parses and answers the requests in [data, data+length). Returns the
  // bytes it used: whole requests, and the part of a body framed so far; a
  // request head cut short (head_pending()) or a rejected request is not
  // used. Appends the answers that are due to `out`.
  size_t receive(const char* data, size_t length, std::string& out);

  // The client half-closed: no further request (the ones received are
  // answered; a request cut short is dropped).
  void end_input();
  // The server is stopping: the request in progress is the last one, and
  // every later answer says Connection: close.
  void drain();
  // No further request, now (an idle connection being shut down).
  void stop();
  // The request head in progress took too long: appends a 408 (and close).
  void time_out(std::string& out);
  // The answer to request `sequence` (a plan with `later`), whole. Appends
  // to `out` every answer that is due now.
  void complete(uint64_t sequence, std::string_view answer, std::string& out);
  // Back-pressure on a body handed to the answer step: while paused,
  // receive() uses no byte of the body (the caller keeps them) and
  // wants_input() is false; after resume_body(), pass them again.
  void pause_body() { body_paused_ = true; }
  void resume_body() { body_paused_ = false; }

  // More requests may be read.
  bool reading() const { return ending_ == Ending::kReading; }
  // reading(), not so many answers queued that parsing must pause, and
  // the body (if one is being framed) not paused.
  bool wants_input() const {
    return reading() && queued_ < kMaxQueuedAnswers && !(body_paused_ && body_ != Body::kNone);
  }
  // A request body is being framed (more of it is expected).
  bool in_body() const { return body_ != Body::kNone; }
  // The last receive() stopped inside a request head.
  bool head_pending() const { return head_pending_; }
  // Answers the answer step has still to complete().
  bool awaiting_answers() const { return awaiting_ > 0; }
  // Request heads parsed so far.
  uint64_t requests() const { return next_sequence_; }
  Ending ending() const { return ending_; }
  // kRejected, kTimedOut: the status answered (400, 408, 413, 414, 431, 501, 505).
  uint16_t rejection_status() const { return rejection_status_; }

 private:
  enum class Body : uint8_t { kNone, kLength, kChunked };

  // An answer that cannot go out yet: it is not complete (later), or its
  // request's body is still arriving, or an earlier answer is still due.
  struct Slot {
    uint64_t sequence = 0;
    std::string bytes;
    bool later = false;      // waiting for complete()
    bool body_open = false;  // its request's body is still arriving
    bool continue_due = false;  // "100 Continue" goes out when it reaches the front
  };

  class BodyForward;

  void start_request(const http::RequestHead& head, const http::HeaderField* fields, const char* raw,
                     std::string& out);
  size_t frame_body(const char* data, size_t length, std::string& out);
  void deliver_body(const char* data, size_t length);
  void end_body(std::string& out);
  void reject(uint16_t status, bool head_only, Ending ending, std::string& out);
  void reject_body(uint16_t status, std::string& out);
  void finish(Ending ending);
  Slot& push_slot(uint64_t sequence);
  Slot* find_slot(uint64_t sequence);
  // The slot of the request whose body is being framed: always the last.
  Slot& body_slot() { return slots_[queued_ - 1]; }
  void flush_due(std::string& out);

  SessionContext* context_;
  // slots_[0, queued_): the queued answers, in request order (none on the
  // fast path); the rest are slots already written, kept for their buffers.
  std::vector<Slot> slots_;
  uint32_t queued_ = 0;
  Body body_ = Body::kNone;
  bool body_paused_ = false;
  bool body_delivered_ = false;  // the body goes to the answer step
  bool keep_alive_after_body_ = true;
  bool close_requested_ = false;  // the current request said close (else drain() closes)
  bool draining_ = false;
  bool head_pending_ = false;
  Ending ending_ = Ending::kReading;
  uint16_t rejection_status_ = 0;
  uint32_t awaiting_ = 0;
  uint64_t next_sequence_ = 0;
  uint64_t body_remaining_ = 0;  // kLength
  uint64_t body_seen_ = 0;       // kChunked: payload bytes so far
  http::ChunkedDecoder chunked_;
};

}  // namespace hotpath::native
