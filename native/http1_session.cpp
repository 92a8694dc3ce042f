#include "http1_session.h"

#include <algorithm>

#include "request_target.h"

namespace hotpath::native {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// OPTIONS * names the server's methods: every method a route can name.
constexpr MethodMask kEveryRouteMethod = static_cast<MethodMask>((1u << kRouteAny) - 1);

}  // namespace

void AnswerStep::body(Http1Session&, uint64_t, const char*, size_t) {}
void AnswerStep::body_end(Http1Session&, uint64_t) {}
void AnswerStep::cancel(Http1Session&, uint64_t) {}

// Hands decoded chunk payload to the answer step, never past the body limit
// (the session answers 413 right after the feed that crossed it).
class Http1Session::BodyForward final : public http::PayloadSink {
 public:
  explicit BodyForward(Http1Session& session) : session_(session), delivered_(session.body_seen_) {}
  void payload(const char* data, size_t length) override {
    const uint64_t limit = session_.context_->limits.max_body_bytes;
    if (delivered_ >= limit) return;
    if (length > limit - delivered_) length = static_cast<size_t>(limit - delivered_);
    delivered_ += length;
    session_.deliver_body(data, length);
  }

 private:
  Http1Session& session_;
  uint64_t delivered_;
};

Http1Session::~Http1Session() {
  for (uint32_t i = 0; i < queued_; ++i) {
    if (slots_[i].later) context_->answers->cancel(*this, slots_[i].sequence);
  }
}

size_t Http1Session::receive(const char* data, size_t length, std::string& out) {
  size_t pos = 0;
  head_pending_ = false;
  http::HeaderField fields[kMaxHeaderFields];
  while (pos < length && reading()) {
    if (body_ != Body::kNone) {
      if (body_paused_) break;
      // Bodies are always framed, so their bytes are never taken for a
      // next request, whether the answer step reads them or not.
      pos += frame_body(data + pos, length - pos, out);
      if (body_ != Body::kNone) break;  // the rest of the body has not arrived
      continue;
    }
    if (queued_ >= kMaxQueuedAnswers) break;
    http::RequestHead head;
    http::ParseResult r =
        http::parse_request_head(data + pos, length - pos, context_->limits.parser, &head, fields, kMaxHeaderFields);
    if (r == http::ParseResult::kIncomplete) {
      head_pending_ = true;
      break;
    }
    if (r == http::ParseResult::kError) {
      reject(head.error_status, false, Ending::kRejected, out);
      break;
    }
    start_request(head, fields, data + pos, out);
    if (ending_ == Ending::kRejected) break;  // a rejected request is not used
    pos += head.head_length;
  }
  return pos;
}

void Http1Session::start_request(const http::RequestHead& head, const http::HeaderField* fields, const char* raw,
                                 std::string& out) {
  const uint64_t sequence = next_sequence_++;
  const bool keep_alive = head.keep_alive && !draining_;
  const bool has_body = head.framing != http::BodyFraming::kNone;
  close_requested_ = !head.keep_alive;
  // A declared body over the limit is refused before anything is read of
  // it, and before any 100 Continue invites it (RFC 9110 10.1.1, 15.5.14).
  if (head.framing == http::BodyFraming::kContentLength && head.content_length > context_->limits.max_body_bytes) {
    reject(413, false, Ending::kRejected, out);
    return;
  }
  Request request{};
  request.session = this;
  request.sequence = sequence;
  request.head = &head;
  request.raw_head = raw;
  request.fields = fields;
  request.field_count = head.field_count;
  request.method = request_method_from_token(head.method, head.method_length);
  request.options = AnswerOptions{request.method == kHead, !keep_alive, keep_alive && head.version_minor == 0};
  const RequestTarget target = parse_request_target(head.target, head.target_length);
  if (target.form == RequestTarget::kInvalid || (target.form == RequestTarget::kAsterisk && request.method != kOptions)) {
    reject(400, request.options.head, Ending::kRejected, out);
    return;
  }
  request.path = target.path;
  request.path_length = target.path_length;

  // The fast path: nothing queued and no body to wait for, so the answer
  // goes straight to `out`. Otherwise it waits in a slot.
  Slot* slot = queued_ == 0 && !has_body ? nullptr : &push_slot(sequence);
  std::string& answer = slot ? slot->bytes : out;
  AnswerPlan plan;
  if (target.form == RequestTarget::kAsterisk) {
    // OPTIONS * (RFC 9110 9.3.7): what the server as a whole supports.
    char line[kMaxAllowLength + 16] = "Allow: ";
    uint32_t n = format_allow(kEveryRouteMethod, line + 7, kMaxAllowLength);
    line[7 + n] = '\r';
    line[8 + n] = '\n';
    line[9 + n] = '\0';
    append_status_answer(answer, 204, *context_->date, request.options, line);
  } else {
    plan = context_->answers->answer(request, answer);
  }
  if (plan.later) {
    if (!slot) slot = &push_slot(sequence);
    slot->later = true;
    ++awaiting_;
  }
  keep_alive_after_body_ = keep_alive;
  if (!has_body) {
    if (!keep_alive) finish(close_requested_ ? Ending::kClosedByRequest : Ending::kStopped);
    flush_due(out);
    return;
  }
  slot->body_open = true;
  body_delivered_ = plan.read_body;
  body_paused_ = false;
  body_seen_ = 0;
  if (head.framing == http::BodyFraming::kContentLength) {
    body_ = Body::kLength;
    body_remaining_ = head.content_length;
  } else {
    body_ = Body::kChunked;
    chunked_ = http::ChunkedDecoder();
  }
  // The interim answer belongs to this request: it may only go out once
  // every earlier answer has.
  if (head.expect_continue) {
    if (slot == &slots_[0]) out.append(kContinue);
    else slot->continue_due = true;
  }
}

size_t Http1Session::frame_body(const char* data, size_t length, std::string& out) {
  if (body_ == Body::kLength) {
    const size_t take = length < body_remaining_ ? length : static_cast<size_t>(body_remaining_);
    deliver_body(data, take);
    body_remaining_ -= take;
    if (body_remaining_ == 0) end_body(out);
    return take;
  }
  size_t used = 0;
  BodyForward forward(*this);
  http::ParseResult r = chunked_.feed(data, length, &used, &body_seen_, body_delivered_ ? &forward : nullptr);
  if (r == http::ParseResult::kError || body_seen_ > context_->limits.max_body_bytes) {
    reject_body(r == http::ParseResult::kError ? 400 : 413, out);
  } else if (r == http::ParseResult::kComplete) {
    end_body(out);
  }
  return used;
}

void Http1Session::deliver_body(const char* data, size_t length) {
  if (body_delivered_ && length) context_->answers->body(*this, body_slot().sequence, data, length);
}

void Http1Session::end_body(std::string& out) {
  body_ = Body::kNone;
  if (body_delivered_) context_->answers->body_end(*this, body_slot().sequence);
  body_slot().body_open = false;
  if (!keep_alive_after_body_) finish(close_requested_ ? Ending::kClosedByRequest : Ending::kStopped);
  flush_due(out);
}

void Http1Session::reject(uint16_t status, bool head_only, Ending ending, std::string& out) {
  // Every answer of the HTTP layer to a framing or syntax error closes:
  // what follows can no longer be framed, or was never read.
  std::string& answer = queued_ == 0 ? out : push_slot(next_sequence_).bytes;
  append_status_answer(answer, status, *context_->date, AnswerOptions{head_only, true, false});
  rejection_status_ = status;
  keep_alive_after_body_ = false;
  finish(ending);
  flush_due(out);
}

void Http1Session::reject_body(uint16_t status, std::string& out) {
  // The answer already made for this request is replaced: its body could
  // not be framed (400) or is over the limit (413).
  body_ = Body::kNone;
  Slot& slot = body_slot();
  if (slot.later) {
    slot.later = false;
    --awaiting_;
    context_->answers->cancel(*this, slot.sequence);
  }
  slot.body_open = false;
  slot.continue_due = false;
  slot.bytes.clear();
  append_status_answer(slot.bytes, status, *context_->date, AnswerOptions{false, true, false});
  rejection_status_ = status;
  keep_alive_after_body_ = false;
  finish(Ending::kRejected);
  flush_due(out);
}

void Http1Session::end_input() { finish(Ending::kInputEnded); }

void Http1Session::drain() {
  draining_ = true;
  keep_alive_after_body_ = false;
}

void Http1Session::stop() { finish(Ending::kStopped); }

void Http1Session::time_out(std::string& out) {
  head_pending_ = false;
  reject(408, false, Ending::kTimedOut, out);
}

void Http1Session::complete(uint64_t sequence, std::string_view answer, std::string& out) {
  Slot* slot = find_slot(sequence);
  if (!slot || !slot->later) return;
  slot->bytes.assign(answer.data(), answer.size());
  slot->later = false;
  --awaiting_;
  flush_due(out);
}

void Http1Session::finish(Ending ending) {
  if (ending_ == Ending::kReading) ending_ = ending;
}

Http1Session::Slot& Http1Session::push_slot(uint64_t sequence) {
  if (queued_ == slots_.size()) slots_.emplace_back();
  Slot& slot = slots_[queued_++];
  // A slot already written: its buffer is reused (no allocation per body).
  slot.bytes.clear();
  slot.sequence = sequence;
  slot.later = false;
  slot.body_open = false;
  slot.continue_due = false;
  return slot;
}

Http1Session::Slot* Http1Session::find_slot(uint64_t sequence) {
  for (uint32_t i = 0; i < queued_; ++i) {
    if (slots_[i].sequence == sequence) return &slots_[i];
  }
  return nullptr;
}

void Http1Session::flush_due(std::string& out) {
  uint32_t done = 0;
  for (; done < queued_; ++done) {
    Slot& slot = slots_[done];
    if (slot.continue_due) {
      if (slot.body_open) out.append(kContinue);
      slot.continue_due = false;
    }
    if (slot.later || slot.body_open) break;
    out.append(slot.bytes);
  }
  if (done == 0) return;
  // The written slots move behind the queued ones, for reuse.
  std::rotate(slots_.begin(), slots_.begin() + done, slots_.begin() + queued_);
  queued_ -= done;
}

}  // namespace hotpath::native
