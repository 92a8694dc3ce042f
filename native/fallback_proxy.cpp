#include "fallback_proxy.h"

#include <algorithm>

#include "limits.h"

namespace hotpath::native {

// One request forwarded (or being forwarded) to a fallback. Pooled: its
// buffers are kept for the next request.
struct PendingRequest {
  Http1Session* session = nullptr;  // nullptr: no longer wanted (the client went away)
  uint64_t sequence = 0;
  FallbackChannel* channel = nullptr;
  uint32_t id = 0;
  bool sent = false;      // in channel->sent and the deadline list
  bool paused = false;    // in channel->paused: its session's body is paused
  bool too_large = false;  // its frame would be longer than a u32: 413 at body_end
  uint16_t deferred_status = 0;  // in the proxy's deferred list, to be answered with this
  int64_t deadline_ms = 0;
  AnswerOptions options{};
  std::string fields;  // the directives' fields for its answer (append_header_set)
  std::string frame;   // while the body arrives: the frame, up to the body so far
  fallback::FrameMark mark;
  PendingRequest* older = nullptr;  // the deadline list
  PendingRequest* newer = nullptr;
};

namespace {

// A pooled buffer larger than this is released rather than kept.
constexpr size_t kKeptFrameCapacity = 64 * 1024;

}  // namespace

FallbackProxy::FallbackProxy(const ProxySettings& settings, DateHeader& date, ProxyEvents& events)
    : settings_(settings), date_(date), events_(events) {}

FallbackProxy::~FallbackProxy() {
  // No answer is delivered any more: the sessions are gone or going.
  std::vector<PendingRequest*> all;
  for (auto& entry : by_request_) all.push_back(entry.second);
  for (auto& channel : channels_) {
    for (auto& entry : channel->sent) {
      if (!entry.second->session) all.push_back(entry.second);
    }
  }
  for (PendingRequest* p : all) {
    p->session = nullptr;
    release(p);
  }
}

int64_t FallbackProxy::deadline_from_now() const {
  int64_t deadline = monotonic_ms() + settings_.timeout_ms;
  if (stop_deadline_ms_ && deadline > stop_deadline_ms_) deadline = stop_deadline_ms_;
  return deadline;
}

FallbackChannel& FallbackProxy::channel_for(const FallbackAddress& address) {
  const bool is_default = &address == settings_.fallback;
  if (is_default && default_channel_) return *default_channel_;
  for (auto& channel : channels_) {
    if (channel->address.text == address.text) {
      if (is_default) default_channel_ = channel.get();
      return *channel;
    }
  }
  channels_.push_back(std::make_unique<FallbackChannel>(address));
  if (is_default) default_channel_ = channels_.back().get();
  return *channels_.back();
}

PendingRequest* FallbackProxy::acquire() {
  if (pool_.empty()) return new PendingRequest();
  PendingRequest* p = pool_.back().release();
  pool_.pop_back();
  return p;
}

void FallbackProxy::release(PendingRequest* p) {
  if (p->session) by_request_.erase(Key{p->session, p->sequence});
  if (p->sent) {
    p->channel->sent.erase(p->id);
    if (p->older) p->older->newer = p->newer;
    else oldest_ = p->newer;
    if (p->newer) p->newer->older = p->older;
    else newest_ = p->older;
  }
  if (p->paused) {
    auto& paused = p->channel->paused;
    paused.erase(std::find(paused.begin(), paused.end(), p));
  }
  if (p->deferred_status) deferred_.erase(std::find(deferred_.begin(), deferred_.end(), p));
  --in_flight_;
  settings_.inflight->fetch_sub(1, std::memory_order_relaxed);
  p->session = nullptr;
  p->channel = nullptr;
  p->sent = p->paused = p->too_large = false;
  p->deferred_status = 0;
  p->older = p->newer = nullptr;
  p->fields.clear();
  p->frame.clear();
  if (p->frame.capacity() > kKeptFrameCapacity) std::string().swap(p->frame);
  pool_.emplace_back(p);
}

PendingRequest* FallbackProxy::find(const Http1Session& session, uint64_t sequence) {
  auto it = by_request_.find(Key{&session, sequence});
  return it == by_request_.end() ? nullptr : it->second;
}

uint32_t FallbackProxy::next_id(FallbackChannel& channel) {
  // Unique among the requests in flight on the channel, even after the
  // counter wraps (4 billion requests later).
  for (;;) {
    uint32_t id = channel.next_id++;
    if (!channel.sent.count(id)) return id;
  }
}

AnswerPlan FallbackProxy::forward(const Request& request, const LoadedRoutes& routes, const AnswerHead& head,
                                  const Match& match, std::string& out) {
  const Route& route = *head.route;
  const FallbackAddress* address =
      route.upstream_kind == kDefaultUpstream ? settings_.fallback : &routes.upstreams[route.index];
  std::string fields;
  auto answer_now = [&](uint16_t status) {
    if (head.header_set) append_header_set(fields, routes, head.header_set);
    append_status_answer(out, status, date_, request.options, fields);
    return AnswerPlan{};
  };
  if (!address) return answer_now(502);  // a PROXY route, and no --fallback
  if (settings_.inflight->fetch_add(1, std::memory_order_relaxed) >= settings_.max_inflight) {
    settings_.inflight->fetch_sub(1, std::memory_order_relaxed);
    return answer_now(503);
  }
  ++in_flight_;
  FallbackChannel& channel = channel_for(*address);
  PendingRequest* p = acquire();
  p->channel = &channel;
  p->id = next_id(channel);
  p->options = request.options;
  if (head.header_set) append_header_set(p->fields, routes, head.header_set);
  const bool has_body = request.head->framing != http::BodyFraming::kNone;
  // Without a body the frame goes straight behind the channel's others.
  std::string& frame = has_body ? p->frame : channel.out;
  const std::string_view method(request.head->method, request.head->method_length);
  const std::string_view target(request.path, request.path_length);
  if (!fallback::begin_request_frame(frame, p->id, route.index, method, target, request.fields, request.field_count,
                                     route.param_names, match.params, match.param_count, &p->mark)) {
    // A field name over 64 KiB: no frame can carry it.
    std::string lines = p->fields;
    release(p);
    append_status_answer(out, 431, date_, request.options, lines);
    return AnswerPlan{};
  }
  p->session = request.session;
  p->sequence = request.sequence;
  by_request_.emplace(Key{p->session, p->sequence}, p);
  if (!has_body) {
    fallback::finish_request_frame(channel.out, p->mark);
    send(p);
  }
  return AnswerPlan{true, has_body};
}

void FallbackProxy::body(Http1Session& session, uint64_t sequence, const char* data, size_t length) {
  PendingRequest* p = find(session, sequence);
  if (!p || p->sent) return;
  if (p->frame.size() + length - p->mark.start > fallback::kMaxFrameLength + fallback::kPrefixBytes) {
    p->too_large = true;  // --max-body-bytes above 4 GiB: answered 413 at its end
  }
  if (!p->too_large) p->frame.append(data, length);
  // The fallback is not reading what it was sent: read no more of this
  // body until it has (drained()).
  if (!p->paused && p->channel->unsent() > kFallbackBackPressureBytes) {
    p->paused = true;
    p->channel->paused.push_back(p);
    session.pause_body();
  }
}

void FallbackProxy::body_end(Http1Session& session, uint64_t sequence) {
  PendingRequest* p = find(session, sequence);
  if (!p || p->sent) return;
  if (p->too_large || !fallback::finish_request_frame(p->frame, p->mark)) {
    // Answered from the event loop, not from inside the session that is
    // calling this.
    p->deferred_status = 413;
    deferred_.push_back(p);
    return;
  }
  p->channel->out.append(p->frame);
  p->frame.clear();
  send(p);
}

void FallbackProxy::cancel(Http1Session& session, uint64_t sequence) {
  PendingRequest* p = find(session, sequence);
  if (!p) return;
  if (!p->sent) {
    release(p);  // never sent: nothing will answer it
    return;
  }
  // Sent: it still counts against the in-flight limit until the fallback
  // answers it or its deadline passes; the answer is dropped.
  by_request_.erase(Key{p->session, p->sequence});
  p->session = nullptr;
}

void FallbackProxy::send(PendingRequest* p) {
  FallbackChannel& channel = *p->channel;
  p->sent = true;
  p->deadline_ms = deadline_from_now();
  channel.sent.emplace(p->id, p);
  p->older = newest_;
  p->newer = nullptr;
  if (newest_) newest_->newer = p;
  else oldest_ = p;
  newest_ = p;
  events_.writable(channel);
}

void FallbackProxy::deliver(PendingRequest* p, std::string& answer) {
  Http1Session* session = p->session;
  const uint64_t sequence = p->sequence;
  const bool was_paused = p->paused;
  release(p);
  if (!session) return;
  if (was_paused) {
    // Answered before its body was read (502, 504): the rest of the body
    // is read and dropped.
    session->resume_body();
    events_.resumed(*session);
  }
  events_.answered(*session, sequence, answer);
}

void FallbackProxy::deliver_status(PendingRequest* p, uint16_t status) {
  answer_.clear();
  append_status_answer(answer_, status, date_, p->options, p->fields);
  deliver(p, answer_);
}

bool FallbackProxy::received(FallbackChannel& channel, const char* data, size_t length) {
  if (channel.skipping) {
    const size_t dropped = channel.skipping < length ? static_cast<size_t>(channel.skipping) : length;
    channel.skipping -= dropped;
    data += dropped;
    length -= dropped;
  }
  if (length == 0) return true;
  channel.in.append(data, length);
  size_t at = 0;
  while (at < channel.in.size()) {
    fallback::DecodeResult r =
        fallback::decode_response_frame(channel.in.data() + at, channel.in.size() - at, settings_.max_response_bytes,
                                        &frame_);
    if (r.status == fallback::Decoded::kIncomplete) break;
    if (r.status == fallback::Decoded::kInvalid) return false;
    if (r.status == fallback::Decoded::kOversized) {
      const size_t here = channel.in.size() - at;
      if (r.skip > here) {
        channel.skipping = r.skip - here;
        at = channel.in.size();
      } else {
        at += static_cast<size_t>(r.skip);
      }
      answer_oversized(channel, r.id);
      continue;
    }
    at += r.used;
    answer_frame(channel, frame_);
  }
  channel.in.erase(0, at);
  return true;
}

void FallbackProxy::answer_frame(FallbackChannel& channel, const fallback::ResponseFrame& frame) {
  auto it = channel.sent.find(frame.id);
  if (it == channel.sent.end()) return;  // its deadline passed: dropped
  PendingRequest* p = it->second;
  answer_.clear();
  ForwardedAnswer forwarded{frame.status, frame.fields.data(), static_cast<uint32_t>(frame.fields.size()), frame.body};
  if (!p->session) {
    release(p);
    return;
  }
  if (!append_forwarded_answer(answer_, forwarded, p->fields, date_, p->options)) {
    // A status outside 200..599 or a field that is no field line: this
    // request alone answers 502 (the stream itself is fine).
    append_status_answer(answer_, 502, date_, p->options, p->fields);
  }
  deliver(p, answer_);
}

void FallbackProxy::answer_oversized(FallbackChannel& channel, uint32_t id) {
  auto it = channel.sent.find(id);
  if (it == channel.sent.end()) return;
  deliver_status(it->second, 502);
}

void FallbackProxy::failed(FallbackChannel& channel) {
  channel.out.clear();
  channel.out_offset = 0;
  channel.in.clear();
  channel.skipping = 0;
  // Collected first: answering one may forward new requests to this channel.
  std::vector<PendingRequest*> lost;
  lost.reserve(channel.sent.size());
  for (auto& entry : channel.sent) lost.push_back(entry.second);
  std::sort(lost.begin(), lost.end(), [](const PendingRequest* a, const PendingRequest* b) {
    return a->deadline_ms < b->deadline_ms;
  });
  for (PendingRequest* p : lost) deliver_status(p, 502);
  drained(channel);
}

void FallbackProxy::drained(FallbackChannel& channel) {
  if (channel.paused.empty() || channel.unsent() > kFallbackBackPressureBytes / 2) return;
  // The sessions first: resuming one may release or reuse these requests
  // (a session lives at least until the loop's next batch).
  std::vector<Http1Session*> sessions;
  for (PendingRequest* p : channel.paused) {
    p->paused = false;
    if (p->session) sessions.push_back(p->session);
  }
  channel.paused.clear();
  for (Http1Session* session : sessions) {
    session->resume_body();
    events_.resumed(*session);
  }
}

void FallbackProxy::deliver_deferred() {
  while (!deferred_.empty()) {
    PendingRequest* p = deferred_.front();
    deliver_status(p, p->deferred_status);
  }
}

void FallbackProxy::expire(int64_t now_ms) {
  while (oldest_ && oldest_->deadline_ms <= now_ms) deliver_status(oldest_, 504);
}

void FallbackProxy::stop_by(int64_t deadline_ms) {
  stop_deadline_ms_ = deadline_ms;
  for (PendingRequest* p = oldest_; p; p = p->newer) {
    if (p->deadline_ms > deadline_ms) p->deadline_ms = deadline_ms;
  }
}

}  // namespace hotpath::native
