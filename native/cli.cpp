#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "server_config.h"

#ifndef HOTPATH_VERSION
#define HOTPATH_VERSION "0.2.0"
#endif

namespace hotpath::native {
namespace {

const char kUsage[] =
    "usage: hotpath-server --config FILE.tsv [options]\n"
    "\n"
    "  --config FILE            route table (TSV), required\n"
    "  --host HOST              address or name to listen on (default 127.0.0.1;\n"
    "                           a name binds every address it resolves to)\n"
    "  --port N                 TCP port (default 3000; 0 picks a free one)\n"
    "  --threads N              event loop threads (default: physical cores available;\n"
    "                           env HOTPATH_THREADS or FAST_SERVER_C_THREADS)\n"
    "  --max-connections N      open connections at most (default 10000)\n"
    "  --max-header-bytes N     request line + headers (default 16384): 431 beyond\n"
    "  --max-body-bytes N       request body (default 1048576): 413 beyond\n"
    "  --header-timeout-ms N    complete request head within (default 10000): 408\n"
    "  --idle-timeout-ms N      idle keep-alive connection closed after (default 60000)\n"
    "  --write-timeout-ms N     stalled response closed after (default 30000)\n"
    "  --fallback ADDRESS       where PROXY routes go: unix:PATH or tcp:HOST:PORT\n"
    "                           (PROXY_UNIX and PROXY_TCP name their own)\n"
    "  --fallback-timeout-ms N  no answer from the fallback within (default 30000): 504\n"
    "  --fallback-max-inflight N  requests waiting on fallbacks (default 1024): 503 beyond\n"
    "  --fallback-max-response-bytes N  answer frame from a fallback (default 16777216): 502 beyond\n"
    "  --quiet                  no start-up line\n"
    "  --help, --version\n"
    "\n"
    "Signals: SIGTERM/SIGINT drain and exit; SIGHUP reloads the route table.\n";

bool parse_number(const char* text, uint64_t min, uint64_t max, uint64_t* out) {
  if (!text || !*text) return false;
  for (const char* p = text; *p; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  errno = 0;
  unsigned long long v = std::strtoull(text, nullptr, 10);
  if (errno || v < min || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

bool parse_arguments(int argc, char** argv, ServerConfig* config, std::string* message, bool* exit_now) {
  *exit_now = false;
  bool threads_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_inline = true;
    }
    auto next = [&](const char** out) {
      if (has_inline) {
        *out = nullptr;
        return true;
      }
      if (i + 1 >= argc) {
        *message = arg + " needs a value\n" + kUsage;
        return false;
      }
      *out = argv[++i];
      return true;
    };
    auto number = [&](uint64_t min, uint64_t max, uint64_t* out) {
      const char* raw = nullptr;
      if (!next(&raw)) return false;
      std::string text = raw ? raw : value;
      if (!parse_number(text.c_str(), min, max, out)) {
        *message = "invalid value '" + text + "' for " + arg + " (expected " + std::to_string(min) + ".." +
                   std::to_string(max) + ")";
        return false;
      }
      return true;
    };
    uint64_t n = 0;
    if (arg == "--help" || arg == "-h") {
      *message = kUsage;
      *exit_now = true;
      return true;
    } else if (arg == "--version") {
      *message = "hotpath-server " HOTPATH_VERSION "\n";
      *exit_now = true;
      return true;
    } else if (arg == "--config" || arg == "--host" || arg == "--fallback") {
      const char* raw = nullptr;
      if (!next(&raw)) return false;
      std::string text = raw ? raw : value;
      if (text.empty()) {
        *message = arg + " needs a value";
        return false;
      }
      (arg == "--config" ? config->config_path : arg == "--host" ? config->host : config->fallback) = text;
    } else if (arg == "--fallback-timeout-ms") {
      if (!number(1, 86400000, &n)) return false;
      config->fallback_timeout_ms = static_cast<uint32_t>(n);
    } else if (arg == "--fallback-max-inflight") {
      if (!number(1, 1000000, &n)) return false;
      config->fallback_max_inflight = static_cast<uint32_t>(n);
    } else if (arg == "--fallback-max-response-bytes") {
      if (!number(64, 0xFFFFFFFFull, &n)) return false;
      config->fallback_max_response_bytes = n;
    } else if (arg == "--port") {
      if (!number(0, 65535, &n)) return false;
      config->port = static_cast<uint16_t>(n);
    } else if (arg == "--threads") {
      if (!number(1, 1024, &n)) return false;
      config->threads = static_cast<uint32_t>(n);
      threads_given = true;
    } else if (arg == "--max-connections") {
      if (!number(1, 10000000, &n)) return false;
      config->max_connections = static_cast<uint32_t>(n);
    } else if (arg == "--max-header-bytes") {
      if (!number(256, 1 << 24, &n)) return false;
      config->max_header_bytes = static_cast<uint32_t>(n);
    } else if (arg == "--max-body-bytes") {
      if (!number(0, uint64_t{1} << 40, &n)) return false;
      config->max_body_bytes = n;
    } else if (arg == "--header-timeout-ms" || arg == "--idle-timeout-ms" || arg == "--write-timeout-ms") {
      if (!number(1, 86400000, &n)) return false;
      uint32_t& field = arg == "--header-timeout-ms" ? config->header_timeout_ms
                        : arg == "--idle-timeout-ms" ? config->idle_timeout_ms
                                                     : config->write_timeout_ms;
      field = static_cast<uint32_t>(n);
    } else if (arg == "--quiet") {
      config->quiet = true;
    } else {
      *message = "unknown option '" + std::string(argv[i]) + "'\n" + kUsage;
      return false;
    }
  }
  if (!threads_given) {
    for (const char* env : {"HOTPATH_THREADS", "FAST_SERVER_C_THREADS"}) {
      const char* text = std::getenv(env);
      if (!text || !*text) continue;
      uint64_t n = 0;
      if (!parse_number(text, 1, 1024, &n)) {
        *message = std::string("invalid ") + env + "='" + text + "' (expected 1..1024)";
        return false;
      }
      config->threads = static_cast<uint32_t>(n);
      break;
    }
  }
  if (config->config_path.empty()) {
    *message = std::string("--config FILE.tsv is required\n") + kUsage;
    return false;
  }
  return true;
}

}  // namespace hotpath::native
