// The handler routes of one event loop (native/fallback-protocol.md): each
// request to a handler route becomes a request frame on this loop's
// connection to its fallback, and the response frame that comes back, in
// any order, becomes its answer, handed to the request's session, which
// writes it in request order. Also the failure answers: 502 (no fallback,
// or it failed with the request in flight), 503 (too many in flight), 504
// (no answer in time), 413 (a body no frame can carry).
//
// No system call here: the sockets are fallback_client.*'s, which feeds
// this side the bytes it reads and the failures it sees, and writes what
// FallbackChannel::out holds. The C++ tests drive this class with a
// fallback of their own on the other side of a FallbackChannel.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "clock.h"
#include "fallback_address.h"
#include "fallback_frames.h"
#include "http1_session.h"
#include "loaded_routes.h"
#include "response_writer.h"

namespace hotpath::native {

struct PendingRequest;

// What the proxy needs from the server (ServerConfig and SharedState).
struct ProxySettings {
  const FallbackAddress* fallback = nullptr;  // --fallback, for PROXY routes (nullptr: none: 502)
  uint32_t timeout_ms = 30000;                // --fallback-timeout-ms: 504
  uint32_t max_inflight = 1024;               // --fallback-max-inflight, for the whole server: 503
  uint64_t max_response_bytes = 16 << 20;     // --fallback-max-response-bytes: 502
  std::atomic<uint32_t>* inflight = nullptr;  // requests in flight, every loop together
};

// One event loop's connection to one fallback address: the request frames
// to write, the bytes received and not used yet, the requests sent on it.
// The socket fields belong to fallback_client.*.
struct FallbackChannel {
  explicit FallbackChannel(const FallbackAddress& a) : address(a) {}
  FallbackAddress address;
  std::string out;        // request frames not written yet, from out_offset
  size_t out_offset = 0;
  std::string in;         // received bytes not decoded yet (a frame cut short)
  uint64_t skipping = 0;  // bytes of an oversized frame still to drop
  std::unordered_map<uint32_t, PendingRequest*> sent;  // by frame id
  std::vector<PendingRequest*> paused;  // requests whose body is paused on this connection's back-pressure
  uint32_t next_id = 1;
  // ---- fallback_client.* ----
  enum class State : uint8_t { kClosed, kConnecting, kOpen };
  State state = State::kClosed;
  int fd = -1;
  uint32_t events = 0;
  bool dirty = false;  // in its event loop's list of channels to write

  size_t unsent() const { return out.size() - out_offset; }
};

// What the proxy asks of its event loop.
class ProxyEvents {
 public:
  // The answer to request `sequence` of `session` is ready (whole).
  virtual void answered(Http1Session& session, uint64_t sequence, std::string_view answer) = 0;
  // The channel has frames to write (connect it first when closed).
  virtual void writable(FallbackChannel& channel) = 0;
  // A session's paused body may be read again (session.resume_body() done).
  virtual void resumed(Http1Session& session) = 0;

 protected:
  ~ProxyEvents() = default;
};

class FallbackProxy {
 public:
  FallbackProxy(const ProxySettings& settings, DateHeader& date, ProxyEvents& events);
  ~FallbackProxy();
  FallbackProxy(const FallbackProxy&) = delete;
  FallbackProxy& operator=(const FallbackProxy&) = delete;

  // ---- from the answer step (RouteAnswers), for a head with `handler` ----

  // Forwards the request: returns {later, read_body} and appends nothing,
  // or answers it at once in `out` (502 without a fallback, 503 over the
  // in-flight limit, 431 for a field no frame can carry).
  AnswerPlan forward(const Request& request, const LoadedRoutes& routes, const AnswerHead& head, const Match& match,
                     std::string& out);
  void body(Http1Session& session, uint64_t sequence, const char* data, size_t length);
  void body_end(Http1Session& session, uint64_t sequence);
  void cancel(Http1Session& session, uint64_t sequence);

  // ---- from the sockets (fallback_client.*) ----

  // Bytes read from the channel's connection: each whole response frame
  // answers its request. Returns false when a frame does not decode: the
  // stream is lost, so the caller closes the connection and calls failed().
  bool received(FallbackChannel& channel, const char* data, size_t length);
  // The connection failed or closed: every request sent on it answers 502,
  // its unsent frames are dropped; requests whose body is still arriving
  // are sent on the next connection.
  void failed(FallbackChannel& channel);
  // Some of channel.out was written: paused bodies resume once it is low.
  void drained(FallbackChannel& channel);

  // ---- from the event loop ----

  // Answers what could not be answered from inside a session's call (a
  // body no frame can carry: 413). Call outside any session call.
  void deliver_deferred();

  // Answers 504 to every request sent before now - timeout.
  void expire(int64_t now_ms);
  // Shutting down: every request sent, and every one sent from now on, is
  // answered (or 504) by `deadline_ms`.
  void stop_by(int64_t deadline_ms);
  // The loop's channels (created on first use, one per address).
  const std::vector<std::unique_ptr<FallbackChannel>>& channels() const { return channels_; }
  // Requests of this loop in flight (forwarded and not answered yet).
  size_t in_flight() const { return in_flight_; }

 private:
  struct Key {
    const Http1Session* session;
    uint64_t sequence;
    bool operator==(const Key& o) const { return session == o.session && sequence == o.sequence; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<const void*>()(k.session) ^ (std::hash<uint64_t>()(k.sequence) * 0x9E3779B97F4A7C15ull);
    }
  };

  FallbackChannel& channel_for(const FallbackAddress& address);
  PendingRequest* acquire();
  void release(PendingRequest* p);
  PendingRequest* find(const Http1Session& session, uint64_t sequence);
  void send(PendingRequest* p);
  // Answers p's request with `answer` (when it is still wanted) and releases p.
  void deliver(PendingRequest* p, std::string& answer);
  void deliver_status(PendingRequest* p, uint16_t status);
  void answer_frame(FallbackChannel& channel, const fallback::ResponseFrame& frame);
  void answer_oversized(FallbackChannel& channel, uint32_t id);
  uint32_t next_id(FallbackChannel& channel);
  int64_t deadline_from_now() const;

  ProxySettings settings_;
  DateHeader& date_;
  ProxyEvents& events_;
  std::vector<std::unique_ptr<FallbackChannel>> channels_;
  FallbackChannel* default_channel_ = nullptr;
  std::unordered_map<Key, PendingRequest*, KeyHash> by_request_;  // every pending request still wanted
  std::vector<std::unique_ptr<PendingRequest>> pool_;             // released, for reuse
  std::vector<PendingRequest*> deferred_;                          // deliver_deferred()
  PendingRequest* oldest_ = nullptr;  // sent requests, in send order (their deadlines are too)
  PendingRequest* newest_ = nullptr;
  size_t in_flight_ = 0;
  int64_t stop_deadline_ms_ = 0;  // 0: not stopping
  fallback::ResponseFrame frame_;  // the frame being answered (its field vector reused)
  std::string answer_;             // the answer being made
};

}  // namespace hotpath::native
