// The sockets of one event loop's fallback connections (FallbackChannel):
// each one more non-blocking descriptor in the loop's epoll set. Connects
// without blocking (a Unix socket answers at once; TCP completes on
// EPOLLOUT), writes the frames the proxy queued, hands what it reads to the
// proxy, and on any failure or close reports it (FallbackProxy::failed) and
// is ready to connect again for the next request.
#pragma once
#include <cstdint>
#include <vector>

#include "fallback_proxy.h"

namespace hotpath::native {

class FallbackClient {
 public:
  FallbackClient(int epoll_fd, FallbackProxy& proxy);
  FallbackClient(const FallbackClient&) = delete;
  FallbackClient& operator=(const FallbackClient&) = delete;

  // Writes the channel's unsent frames, connecting first when it is closed.
  void flush(FallbackChannel& channel);
  // An epoll event for the channel's descriptor.
  void ready(FallbackChannel& channel, uint32_t events);
  // Closes every connection (the loop is ending; nothing is answered).
  void close_all();

  // epoll data of a channel: its address with the low bit set (a
  // connection's is a Connection*, aligned).
  static uint64_t tag(FallbackChannel* channel) { return reinterpret_cast<uintptr_t>(channel) | 1u; }
  static bool is_tag(uint64_t data) { return data & 1u; }
  static FallbackChannel* from_tag(uint64_t data) { return reinterpret_cast<FallbackChannel*>(data & ~uint64_t{1}); }

 private:
  void connect(FallbackChannel& channel);
  void write(FallbackChannel& channel);
  void read(FallbackChannel& channel);
  void fail(FallbackChannel& channel);
  void close_socket(FallbackChannel& channel);
  void update_events(FallbackChannel& channel);

  int epoll_fd_;
  FallbackProxy& proxy_;
  std::vector<char> buffer_;
};

}  // namespace hotpath::native
