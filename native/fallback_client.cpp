#include "fallback_client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "limits.h"

namespace hotpath::native {

FallbackClient::FallbackClient(int epoll_fd, FallbackProxy& proxy)
    : epoll_fd_(epoll_fd), proxy_(proxy), buffer_(kReadChunkBytes) {}

void FallbackClient::flush(FallbackChannel& channel) {
  if (channel.state == FallbackChannel::State::kClosed) {
    if (channel.unsent() == 0) return;
    connect(channel);
    return;
  }
  if (channel.state == FallbackChannel::State::kOpen) write(channel);
}

void FallbackClient::connect(FallbackChannel& channel) {
  const sockaddr* address = reinterpret_cast<const sockaddr*>(&channel.address.address);
  int fd = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    proxy_.failed(channel);
    return;
  }
  if (address->sa_family != AF_UNIX) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  channel.fd = fd;
  channel.events = 0;
  int rc = ::connect(fd, address, channel.address.length);
  if (rc != 0 && errno != EINPROGRESS) {
    // Refused, no such socket, or (a Unix socket) its backlog is full: the
    // requests queued for it answer 502 now.
    close_socket(channel);
    proxy_.failed(channel);
    return;
  }
  channel.state = rc == 0 ? FallbackChannel::State::kOpen : FallbackChannel::State::kConnecting;
  epoll_event ev{};
  ev.events = rc == 0 ? EPOLLIN | EPOLLRDHUP : EPOLLOUT;
  ev.data.u64 = tag(&channel);
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  channel.events = ev.events;
  if (rc == 0) write(channel);
}

void FallbackClient::ready(FallbackChannel& channel, uint32_t events) {
  if (channel.state == FallbackChannel::State::kConnecting) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(channel.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
      fail(channel);
      return;
    }
    channel.state = FallbackChannel::State::kOpen;
    write(channel);
    return;
  }
  if (channel.state != FallbackChannel::State::kOpen) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read(channel);
  if (channel.state == FallbackChannel::State::kOpen && (events & EPOLLOUT)) write(channel);
}

void FallbackClient::write(FallbackChannel& channel) {
  while (channel.unsent() > 0) {
    ssize_t n = send(channel.fd, channel.out.data() + channel.out_offset, channel.unsent(), MSG_NOSIGNAL);
    if (n > 0) {
      channel.out_offset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    fail(channel);
    return;
  }
  if (channel.unsent() == 0) {
    channel.out.clear();
    if (channel.out.capacity() > kFallbackBackPressureBytes) std::string().swap(channel.out);
    channel.out_offset = 0;
  }
  update_events(channel);
  proxy_.drained(channel);
}

void FallbackClient::read(FallbackChannel& channel) {
  for (int round = 0; round < kReadRoundsPerEvent; ++round) {
    ssize_t n = ::read(channel.fd, buffer_.data(), buffer_.size());
    if (n > 0) {
      if (!proxy_.received(channel, buffer_.data(), static_cast<size_t>(n))) {
        fail(channel);  // a frame that does not decode: the stream is lost
        return;
      }
      if (static_cast<size_t>(n) < buffer_.size()) return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    fail(channel);  // closed by the fallback (or reset): what it did not answer is 502
    return;
  }
}

void FallbackClient::fail(FallbackChannel& channel) {
  close_socket(channel);
  proxy_.failed(channel);
}

void FallbackClient::close_socket(FallbackChannel& channel) {
  if (channel.fd >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, channel.fd, nullptr);
    close(channel.fd);
  }
  channel.fd = -1;
  channel.events = 0;
  channel.state = FallbackChannel::State::kClosed;
}

void FallbackClient::update_events(FallbackChannel& channel) {
  uint32_t wanted = EPOLLIN | EPOLLRDHUP | (channel.unsent() > 0 ? EPOLLOUT : 0u);
  if (wanted == channel.events) return;
  epoll_event ev{};
  ev.events = wanted;
  ev.data.u64 = tag(&channel);
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, channel.fd, &ev);
  channel.events = wanted;
}

void FallbackClient::close_all() {
  for (const auto& channel : proxy_.channels()) close_socket(*channel);
}

}  // namespace hotpath::native
