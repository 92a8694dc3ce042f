// hotpath-server: serves a route table over HTTP/1.1 (see native/README.md).
//
// The main thread parses flags, loads the table, binds every listener (so
// errors surface before anything runs), starts one EventLoop per thread, and
// then only waits for signals: SIGHUP reloads the table (and the table it
// replaced is freed once no loop can still read it), SIGTERM/SIGINT stop.
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "event_loop.h"
#include "fallback_address.h"
#include "limits.h"
#include "listener.h"
#include "loaded_routes.h"
#include "route_tables.h"
#include "server_config.h"

using namespace hotpath::native;

namespace {

// Enough descriptors for --max-connections (the soft limit is often 1024).
void raise_file_limit(uint32_t connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(connections) + 256;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= wanted ? wanted : limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int main(int argc, char** argv) {
  ServerConfig config;
  std::string message;
  bool exit_now = false;
  if (!parse_arguments(argc, argv, &config, &message, &exit_now)) {
    std::fprintf(stderr, "hotpath-server: %s\n", message.c_str());
    return 1;
  }
  if (exit_now) {
    std::fputs(message.c_str(), stdout);
    return 0;
  }
  std::string error;
  std::unique_ptr<LoadedRoutes> first = load_routes_file(config.config_path, &error);
  if (!first) {
    std::fprintf(stderr, "hotpath-server: %s\n", error.c_str());
    return 1;
  }
  // Resolved once, here: no event loop ever waits for a name lookup.
  FallbackAddress fallback;
  if (!config.fallback.empty() && !parse_fallback_address(config.fallback, &fallback, &error)) {
    std::fprintf(stderr, "hotpath-server: --fallback: %s\n", error.c_str());
    return 1;
  }
  const uint32_t route_count = first->table.route_count;
  const uint32_t threads = config.threads ? config.threads : default_thread_count();
  raise_file_limit(config.max_connections);
  Listeners listeners;
  if (!bind_listeners(config, threads, &listeners, &error)) {
    std::fprintf(stderr, "hotpath-server: %s\n", error.c_str());
    return 1;
  }

  // Signals go to this thread only (sigwait below); event loops never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  RouteTables tables(std::move(first), threads);
  SharedState shared(config, tables, config.fallback.empty() ? nullptr : &fallback);
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::thread> running;
  for (uint32_t t = 0; t < threads; ++t) {
    loops.push_back(std::make_unique<EventLoop>(shared, t, listeners.per_thread[t]));
  }
  // Said before the loops start: the sockets already listen (the kernel
  // queues connections), and a client that saw an answer must find this
  // line already written (the commands test read it too early now and then).
  if (!config.quiet) {
    std::string urls;
    for (const std::string& url : listeners.urls) urls += (urls.empty() ? "" : ", ") + url;
    std::printf("hotpath-server listening on %s (%u threads, %u routes)\n", urls.c_str(), threads, route_count);
    std::fflush(stdout);
  }
  for (auto& loop : loops) running.emplace_back([l = loop.get()] { l->run(); });

  for (;;) {
    int signal_number = 0;
    if (tables.retired() > 0) {
      // Replaced tables wait for every loop to pass a quiescent point
      // (between two batches of events, at most kTickMs apart): look again soon.
      timespec poll{0, kReclaimPollMs * 1000000};
      signal_number = sigtimedwait(&signals, nullptr, &poll);
      if (signal_number < 0) {
        tables.reclaim();
        continue;
      }
    } else if (sigwait(&signals, &signal_number) != 0) {
      continue;
    }
    if (signal_number == SIGHUP) {
      auto reloaded = load_routes_file(config.config_path, &error);
      if (!reloaded) {
        std::fprintf(stderr, "hotpath-server: reload failed, still serving the previous table: %s\n", error.c_str());
        continue;
      }
      const uint32_t routes = reloaded->table.route_count;
      tables.replace(std::move(reloaded));
      // The count says whether replaced tables are freed: a loop that is
      // between two batches right now holds none, so it is usually 0 or 1.
      const size_t in_use = tables.reclaim();
      std::fprintf(stderr, "hotpath-server: reloaded %s (%u routes; %zu replaced tables still in use)\n",
                   config.config_path.c_str(), routes, in_use);
      continue;
    }
    break;  // SIGTERM or SIGINT
  }
  shared.stopping.store(true, std::memory_order_release);
  for (auto& loop : loops) loop->wake();
  for (auto& thread : running) thread.join();
  return 0;
}
