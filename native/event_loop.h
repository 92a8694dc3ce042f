// One worker thread: its own listeners (SO_REUSEPORT) and epoll loop, and the
// connections it accepted. Nothing on the request path is shared between
// workers except the route table pointer (read with one atomic load).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http_parser.h"
#include "loaded_routes.h"
#include "response_writer.h"
#include "server_config.h"

namespace hotpath::native {

struct SharedState {
  explicit SharedState(const ServerConfig& c) : config(c) {}
  const ServerConfig& config;
  std::atomic<const LoadedRoutes*> routes{nullptr};
  std::atomic<bool> stopping{false};
  std::atomic<uint32_t> connections{0};
};

struct Connection;

class Worker {
 public:
  Worker(SharedState& shared, std::vector<int> listeners);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves until stop() and every connection is closed (or the grace period ends).
  void run();
  // Safe from any thread.
  void wake();

 private:
  void accept_ready(int listener);
  void read_ready(Connection* c);
  void write_ready(Connection* c);
  size_t process(Connection* c, const char* data, size_t length);
  void answer_request(Connection* c, const http::RequestHead& head, std::string& out);
  void flush(Connection* c);
  void finish(Connection* c);
  void update_events(Connection* c);
  void close_connection(Connection* c);
  void sweep(int64_t now_ms);
  void begin_stop();
  std::string& output_for(Connection* c);

  SharedState& shared_;
  std::vector<int> listeners_;
  std::vector<int> sources_;  // listener fds and the wake fd, addressed by epoll data
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int spare_fd_ = -1;  // released to accept-and-close when out of descriptors
  bool stopping_ = false;
  int64_t stop_deadline_ms_ = 0;
  Connection* connections_ = nullptr;  // intrusive list, for timeouts
  std::vector<Connection*> closed_;    // freed after each event batch
  std::string out_;                    // answers of the current read, before the write
  std::vector<char> read_buffer_;
  char scratch_[8192];                 // decoded parameters (router scratch)
  DateHeader date_;
  http::ParserLimits limits_;
};

int64_t monotonic_ms();

}  // namespace hotpath::native
