// One event loop thread: its own listeners (SO_REUSEPORT), its epoll loop,
// and the connections it accepted. It keeps sockets, timeouts and buffers;
// every HTTP rule is the connection's Http1Session's. Nothing on the request
// path is shared between loops but the route table (RouteTables: one atomic
// load per request, and one announcement per batch of events).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "clock.h"
#include "fallback_address.h"
#include "fallback_client.h"
#include "fallback_proxy.h"
#include "http1_session.h"
#include "response_writer.h"
#include "route_answers.h"
#include "route_tables.h"
#include "server_config.h"

namespace hotpath::native {

struct SharedState {
  SharedState(const ServerConfig& c, RouteTables& t, const FallbackAddress* f = nullptr)
      : config(c), tables(t), fallback(f) {}
  const ServerConfig& config;
  RouteTables& tables;
  const FallbackAddress* fallback;  // --fallback, resolved (nullptr: none)
  std::atomic<bool> stopping{false};
  std::atomic<uint32_t> connections{0};
  std::atomic<uint32_t> fallback_inflight{0};  // --fallback-max-inflight counts these
};

struct Connection;

class EventLoop final : private ProxyEvents {
 public:
  // `index` is this loop's reader slot in shared.tables.
  EventLoop(SharedState& shared, uint32_t index, std::vector<int> listeners);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Serves until stop() and every connection is closed (or the grace period ends).
  void run();
  // Safe from any thread.
  void wake();

 private:
  void accept_ready(int listener);
  void read_ready(Connection* c);
  void write_ready(Connection* c);
  void receive(Connection* c, const char* data, size_t length, bool buffered);
  void flush(Connection* c);
  void finish(Connection* c);
  void update_events(Connection* c);
  void close_connection(Connection* c);
  void sweep(int64_t now_ms);
  void begin_stop();
  std::string& output_for(Connection* c);
  // ProxyEvents: answers and resumed bodies from the fallback proxy.
  void answered(Http1Session& session, uint64_t sequence, std::string_view answer) override;
  void writable(FallbackChannel& channel) override;
  void resumed(Http1Session& session) override;
  // Writes (connecting first) every fallback channel with frames queued;
  // true when none is left.
  bool flush_channels();

  SharedState& shared_;
  const uint32_t index_;
  std::vector<int> listeners_;
  std::vector<int> sources_;  // listener fds and the wake fd, addressed by epoll data
  int epoll_fd_;
  int wake_fd_ = -1;
  int spare_fd_ = -1;  // released to accept-and-close when out of descriptors
  bool stopping_ = false;
  int64_t stop_deadline_ms_ = 0;
  Connection* connections_ = nullptr;  // intrusive list, for timeouts
  std::vector<Connection*> closed_;    // freed after each event batch
  std::string out_;                    // answers of the current read, before the write
  std::vector<char> read_buffer_;
  DateHeader date_;
  FallbackProxy proxy_;
  FallbackClient fallbacks_;
  std::vector<FallbackChannel*> dirty_;  // channels with frames to write
  RouteAnswers answers_;
  SessionContext sessions_;  // what every connection's session shares
};

}  // namespace hotpath::native
