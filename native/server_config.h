// Settings of hotpath-server, from its flags (see native/README.md).
#pragma once
#include <cstdint>
#include <string>

namespace hotpath::native {

struct ServerConfig {
  std::string config_path;
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  uint32_t threads = 0;  // 0: physical cores available
  uint32_t max_connections = 10000;
  uint32_t max_header_bytes = 16384;
  uint64_t max_body_bytes = 1024 * 1024;
  uint32_t header_timeout_ms = 10000;
  uint32_t idle_timeout_ms = 60000;
  uint32_t write_timeout_ms = 30000;
  uint32_t shutdown_grace_ms = 10000;
  // Handler routes (native/fallback-protocol.md).
  std::string fallback;                              // --fallback unix:PATH|tcp:HOST:PORT ("" none)
  uint32_t fallback_timeout_ms = 30000;              // no answer within: 504
  uint32_t fallback_max_inflight = 1024;             // waiting on fallbacks, whole server: 503 beyond
  uint64_t fallback_max_response_bytes = 16 << 20;   // a response frame longer: 502
  bool quiet = false;
};

// Parses argv. On error returns false with a message; sets *exit_now (and a
// message to print on stdout) for --help and --version.
bool parse_arguments(int argc, char** argv, ServerConfig* config, std::string* message, bool* exit_now);

// Physical cores this process may use: the affinity mask, hyperthread
// siblings counted once, capped by a cgroup v2/v1 CPU quota. At least 1.
uint32_t default_thread_count();

}  // namespace hotpath::native
