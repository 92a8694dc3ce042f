#include "listener.h"

#include "limits.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hotpath::native {
namespace {

std::string describe(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
    return text;
  }
  inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
  return std::string("[") + text + "]";
}

void set_port(sockaddr* addr, uint16_t port) {
  if (addr->sa_family == AF_INET) reinterpret_cast<sockaddr_in*>(addr)->sin_port = htons(port);
  else reinterpret_cast<sockaddr_in6*>(addr)->sin6_port = htons(port);
}

uint16_t bound_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  return storage.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port)
                                      : ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
}

// reuse_port=false is the probe: it fails with EADDRINUSE when anyone holds
// the port, even a process that set SO_REUSEPORT itself (which would
// otherwise silently share the port with us).
int open_socket(const sockaddr* addr, socklen_t length, bool reuse_port, bool listen_now, std::string* error) {
  int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = describe(addr) + ": socket: " + std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (addr->sa_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, addr, length) != 0 || (listen_now && listen(fd, kListenBacklog) != 0)) {
    const char* what = errno == EADDRINUSE ? "address already in use" : std::strerror(errno);
    uint16_t port = addr->sa_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port)
                                               : ntohs(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port);
    *error = describe(addr) + ":" + std::to_string(port) + ": " + what;
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool bind_listeners(const ServerConfig& config, uint32_t threads, Listeners* out, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(config.port);
  int rc = getaddrinfo(config.host.c_str(), port_text.c_str(), &hints, &found);
  if (rc != 0) {
    *error = "cannot resolve host '" + config.host + "': " + gai_strerror(rc);
    return false;
  }
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> lengths;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    sockaddr_storage s{};
    std::memcpy(&s, ai->ai_addr, ai->ai_addrlen);
    bool duplicate = false;
    for (size_t i = 0; i < addresses.size(); ++i) {
      duplicate |= lengths[i] == ai->ai_addrlen && std::memcmp(&addresses[i], &s, ai->ai_addrlen) == 0;
    }
    if (!duplicate) {
      addresses.push_back(s);
      lengths.push_back(ai->ai_addrlen);
    }
  }
  freeaddrinfo(found);

  Listeners result;
  result.per_thread.assign(threads, {});
  uint16_t port = config.port;
  auto fail = [&](const std::string& message) {
    for (auto& fds : result.per_thread) {
      for (int fd : fds) close(fd);
    }
    *error = message;
    return false;
  };
  for (size_t a = 0; a < addresses.size(); ++a) {
    sockaddr* addr = reinterpret_cast<sockaddr*>(&addresses[a]);
    if (port != 0) set_port(addr, port);
    int probe = open_socket(addr, lengths[a], false, false, error);
    if (probe < 0) return fail(*error);
    if (port == 0) port = bound_port(probe);  // --port 0: the first address picks it
    set_port(addr, port);
    close(probe);
    for (uint32_t t = 0; t < threads; ++t) {
      int fd = open_socket(addr, lengths[a], true, true, error);
      if (fd < 0) return fail(*error);
      result.per_thread[t].push_back(fd);
    }
    result.urls.push_back("http://" + describe(addr) + ":" + std::to_string(port));
  }
  result.port = port;
  *out = std::move(result);
  return true;
}

}  // namespace hotpath::native
