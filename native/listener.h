// Binding the listening sockets: every address HOST resolves to, one
// SO_REUSEPORT socket per address per event loop thread.
#pragma once
#include <string>
#include <vector>

#include "server_config.h"

namespace hotpath::native {

struct Listeners {
  std::vector<std::vector<int>> per_thread;  // per_thread[t] = fds of thread t
  std::vector<std::string> urls;             // "http://127.0.0.1:3000" per address
  uint16_t port = 0;                         // the bound port (resolves --port 0)
};

// Binds everything or nothing. On error returns false with a message such
// as "127.0.0.1:3000: address already in use".
bool bind_listeners(const ServerConfig& config, uint32_t threads, Listeners* out, std::string* error);

}  // namespace hotpath::native
