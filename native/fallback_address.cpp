#include "fallback_address.h"

#include <netdb.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

namespace hotpath::native {

bool unix_fallback_address(std::string_view path, FallbackAddress* out, std::string* error) {
  sockaddr_un un{};
  if (path.empty() || path.size() >= sizeof un.sun_path || path.find('\0') != std::string_view::npos) {
    *error = "invalid Unix socket path '" + std::string(path) + "': 1 to " + std::to_string(sizeof un.sun_path - 1) +
             " bytes";
    return false;
  }
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path, path.data(), path.size());
  out->text = "unix:" + std::string(path);
  std::memset(&out->address, 0, sizeof out->address);
  std::memcpy(&out->address, &un, sizeof un);
  out->length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

bool tcp_fallback_address(std::string_view host_port, FallbackAddress* out, std::string* error) {
  const size_t colon = host_port.rfind(':');
  std::string host(host_port.substr(0, colon == std::string_view::npos ? 0 : colon));
  std::string port(colon == std::string_view::npos ? "" : host_port.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (host.empty() || !digits || std::stoul(port) == 0 || std::stoul(port) > 65535) {
    *error = "invalid TCP address '" + std::string(host_port) + "': expected HOST:PORT with a port from 1 to 65535";
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || !found) {
    *error = "TCP address '" + std::string(host_port) + "' does not resolve: " + gai_strerror(rc);
    return false;
  }
  out->text = "tcp:" + std::string(host_port);
  std::memset(&out->address, 0, sizeof out->address);
  std::memcpy(&out->address, found->ai_addr, found->ai_addrlen);
  out->length = found->ai_addrlen;
  freeaddrinfo(found);
  return true;
}

bool parse_fallback_address(std::string_view text, FallbackAddress* out, std::string* error) {
  if (text.rfind("unix:", 0) == 0) return unix_fallback_address(text.substr(5), out, error);
  if (text.rfind("tcp:", 0) == 0) return tcp_fallback_address(text.substr(4), out, error);
  *error = "invalid fallback address '" + std::string(text) + "': expected unix:PATH or tcp:HOST:PORT";
  return false;
}

}  // namespace hotpath::native
