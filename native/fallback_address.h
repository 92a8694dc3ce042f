// Where a handler route is forwarded: a Unix domain socket or a TCP address
// (native/fallback-protocol.md, "Where the fallback is"), resolved once,
// when the flag is read or the route table loads, never on an event loop
// (a name lookup blocks).
#pragma once
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace hotpath::native {

struct FallbackAddress {
  // "unix:PATH" or "tcp:HOST:PORT" as written: the key of an event loop's
  // connection to it, and its name in messages.
  std::string text;
  sockaddr_storage address{};
  socklen_t length = 0;
};

// A --fallback value: "unix:PATH" or "tcp:HOST:PORT" (HOST a name, an IPv4
// literal, or an IPv6 literal in brackets). On error returns false with a
// message.
bool parse_fallback_address(std::string_view text, FallbackAddress* out, std::string* error);

// A PROXY_UNIX socket path (1 to 107 bytes).
bool unix_fallback_address(std::string_view path, FallbackAddress* out, std::string* error);

// A PROXY_TCP HOST:PORT; a name is resolved now (its first address).
bool tcp_fallback_address(std::string_view host_port, FallbackAddress* out, std::string* error);

}  // namespace hotpath::native
