#include "worker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace hotpath::native {

int64_t monotonic_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

namespace {

constexpr size_t kReadChunk = 65536;
constexpr size_t kMaxPendingOutput = 1 << 20;  // stop reading while this much is unsent
constexpr int64_t kLingerMs = 2000;

enum class BodyState : uint8_t { kNone, kLength, kChunked };

}  // namespace

// One client connection. Idle connections hold no buffers: requests are
// parsed straight from the worker's read buffer and answers written from its
// output buffer; only a partial request or an unsent answer is kept here.
struct Connection {
  int fd = -1;
  std::string in;    // bytes of a request not yet complete
  std::string out;   // answer bytes the socket did not take yet
  size_t out_offset = 0;
  std::string pending;  // the answer to a request whose body is still arriving
  BodyState body = BodyState::kNone;
  uint64_t body_remaining = 0;
  uint64_t body_seen = 0;
  http::ChunkedDecoder chunked;
  bool keep_alive_after_body = true;
  bool stop_reading = false;  // no more requests: answer what is queued, then close
  bool read_closed = false;   // the client's FIN arrived
  bool lingering = false;     // our side shut down, draining the client's bytes
  bool closed = false;
  uint32_t events = 0;
  int64_t request_started_ms = 0;  // first byte of the current request head (0: none)
  int64_t last_activity_ms = 0;
  Connection* prev = nullptr;
  Connection* next = nullptr;
};

Worker::Worker(SharedState& shared, std::vector<int> listeners)
    : shared_(shared), listeners_(std::move(listeners)), read_buffer_(kReadChunk) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  // epoll data: a Connection*, or a pointer into sources_ (listeners and the
  // wake eventfd), told apart by address range.
  sources_.reserve(listeners_.size() + 1);
  for (int fd : listeners_) sources_.push_back(fd);
  sources_.push_back(wake_fd_);
  for (int& fd : sources_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  limits_.max_head_bytes = shared_.config.max_header_bytes;
}

Worker::~Worker() {
  while (connections_) close_connection(connections_);
  for (Connection* c : closed_) delete c;
  for (int fd : listeners_) close(fd);
  close(epoll_fd_);
  close(wake_fd_);
  if (spare_fd_ >= 0) close(spare_fd_);
}

void Worker::wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void Worker::run() {
  epoll_event events[256];
  int64_t next_sweep = monotonic_ms() + 250;
  for (;;) {
    if (!stopping_ && shared_.stopping.load(std::memory_order_acquire)) begin_stop();
    if (stopping_ && (connections_ == nullptr || monotonic_ms() >= stop_deadline_ms_)) break;
    int n = epoll_wait(epoll_fd_, events, 256, 250);
    for (int i = 0; i < n; ++i) {
      void* ptr = events[i].data.ptr;
      uintptr_t address = reinterpret_cast<uintptr_t>(ptr);
      uintptr_t first = reinterpret_cast<uintptr_t>(sources_.data());
      if (address >= first && address < first + sources_.size() * sizeof(int)) {
        int fd = *static_cast<int*>(ptr);
        if (fd == wake_fd_) {
          uint64_t count;
          ssize_t ignored = read(wake_fd_, &count, sizeof count);
          (void)ignored;
        } else if (!stopping_) {
          accept_ready(fd);
        }
        continue;
      }
      Connection* c = static_cast<Connection*>(ptr);
      if (c->closed) continue;
      uint32_t e = events[i].events;
      if (e & (EPOLLERR)) {
        close_connection(c);
        continue;
      }
      if (e & EPOLLOUT) write_ready(c);
      if (!c->closed && (e & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))) read_ready(c);
    }
    for (Connection* c : closed_) delete c;
    closed_.clear();
    int64_t now = monotonic_ms();
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + 250;
      for (Connection* c : closed_) delete c;
      closed_.clear();
    }
  }
  while (connections_) close_connection(connections_);
  for (Connection* c : closed_) delete c;
  closed_.clear();
}

void Worker::begin_stop() {
  // Requests the kernel received before the signal, on connections this loop
  // has not read yet, are already received: read and answer them first (as
  // usual, so pipelined ones are all answered) instead of closing over them.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    if (!c->stop_reading && c->in.empty() && c->out.empty() && c->body == BodyState::kNone) read_ready(c);
    c = next;
  }
  stopping_ = true;
  stop_deadline_ms_ = monotonic_ms() + shared_.config.shutdown_grace_ms;
  for (int fd : listeners_) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
  }
  listeners_.clear();  // sources_ keeps the (closed) numbers; no events come for them
  // Idle connections close now, gracefully (FIN, then drain: a close() over
  // unread bytes would reset the connection and could destroy the answers
  // just sent); busy ones after their current answer.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    bool busy = !c->in.empty() || !c->out.empty() || c->body != BodyState::kNone;
    if (!busy) {
      if (!c->lingering) {
        c->stop_reading = true;
        finish(c);
      }
    } else {
      c->keep_alive_after_body = false;
    }
    c = next;
  }
}

void Worker::accept_ready(int listener) {
  for (int batch = 0; batch < 64; ++batch) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: take the connection with the spare one and
        // close it, so the kernel queue drains instead of waking us forever.
        if (spare_fd_ >= 0) {
          close(spare_fd_);
          int victim = accept(listener, nullptr, nullptr);
          if (victim >= 0) close(victim);
          spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
        }
        continue;
      }
      return;  // EAGAIN, or a connection that died in the queue
    }
    if (shared_.connections.fetch_add(1, std::memory_order_relaxed) >= shared_.config.max_connections) {
      shared_.connections.fetch_sub(1, std::memory_order_relaxed);
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Connection* c = new Connection;
    c->fd = fd;
    c->last_activity_ms = monotonic_ms();
    c->next = connections_;
    if (connections_) connections_->prev = c;
    connections_ = c;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = c;
    c->events = ev.events;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

std::string& Worker::output_for(Connection* c) { return c->out.empty() ? out_ : c->out; }

void Worker::read_ready(Connection* c) {
  if (c->lingering) {
    // Our answers are out and our side is shut: drain until the client closes.
    for (;;) {
      ssize_t n = read(c->fd, read_buffer_.data(), read_buffer_.size());
      if (n > 0) continue;
      if (n < 0 && errno == EAGAIN) return;
      close_connection(c);
      return;
    }
  }
  for (int round = 0; round < 8 && !c->stop_reading; ++round) {
    ssize_t n = read(c->fd, read_buffer_.data(), read_buffer_.size());
    if (n > 0) {
      c->last_activity_ms = monotonic_ms();
      const char* data = read_buffer_.data();
      size_t length = static_cast<size_t>(n);
      if (!c->in.empty()) {
        c->in.append(data, length);
        size_t used = process(c, c->in.data(), c->in.size());
        c->in.erase(0, used);
      } else {
        size_t used = process(c, data, length);
        if (used < length && !c->stop_reading) c->in.assign(data + used, length - used);
      }
      if (c->closed) return;
      if (c->out.size() + out_.size() > kMaxPendingOutput) break;  // back-pressure
      if (static_cast<size_t>(n) < read_buffer_.size()) break;
      continue;
    }
    if (n == 0) {
      c->read_closed = true;  // half-close: answer what came before the FIN
      c->stop_reading = true;
      break;
    }
    if (errno == EAGAIN || errno == EINTR) break;
    close_connection(c);  // ECONNRESET and friends: nobody to answer
    return;
  }
  flush(c);
}

void Worker::write_ready(Connection* c) { flush(c); }

size_t Worker::process(Connection* c, const char* data, size_t length) {
  size_t pos = 0;
  while (pos < length && !c->stop_reading) {
    std::string& out = output_for(c);
    if (c->body != BodyState::kNone) {
      // Request bodies are read and discarded (no route reads them), but
      // always framed, so their bytes are never taken for a next request.
      bool done = false;
      if (c->body == BodyState::kLength) {
        uint64_t take = length - pos < c->body_remaining ? length - pos : c->body_remaining;
        c->body_remaining -= take;
        pos += take;
        done = c->body_remaining == 0;
      } else {
        size_t used = 0;
        http::ParseResult r = c->chunked.feed(data + pos, length - pos, &used, &c->body_seen);
        pos += used;
        if (r == http::ParseResult::kError || c->body_seen > shared_.config.max_body_bytes) {
          c->pending.clear();
          AnswerOptions close{false, true, false};
          append_status_answer(out, r == http::ParseResult::kError ? 400 : 413, date_, close);
          c->stop_reading = true;
          c->body = BodyState::kNone;
          break;
        }
        done = r == http::ParseResult::kComplete;
      }
      if (!done) break;
      c->body = BodyState::kNone;
      out.append(c->pending);
      c->pending.clear();
      if (!c->keep_alive_after_body) c->stop_reading = true;
      c->request_started_ms = 0;
      continue;
    }
    http::RequestHead head;
    http::ParseResult r = http::parse_request_head(data + pos, length - pos, limits_, &head);
    if (r == http::ParseResult::kIncomplete) {
      if (c->request_started_ms == 0) c->request_started_ms = monotonic_ms();
      break;
    }
    if (r == http::ParseResult::kError) {
      AnswerOptions close{false, true, false};
      append_status_answer(out, head.error_status, date_, close);
      c->stop_reading = true;
      pos = length;
      break;
    }
    pos += head.head_length;
    c->request_started_ms = 0;
    answer_request(c, head, out);
    if (c->body == BodyState::kNone && !c->keep_alive_after_body) c->stop_reading = true;
  }
  return pos;
}

void Worker::answer_request(Connection* c, const http::RequestHead& head, std::string& out) {
  const LoadedRoutes& routes = *shared_.routes.load(std::memory_order_acquire);
  bool keep_alive = head.keep_alive && !stopping_;
  bool has_body = head.framing != http::BodyFraming::kNone;
  if (head.framing == http::BodyFraming::kContentLength && head.content_length > shared_.config.max_body_bytes) {
    append_status_answer(out, 413, date_, AnswerOptions{false, true, false});
    c->keep_alive_after_body = false;
    c->stop_reading = true;
    return;
  }
  AnswerOptions options{false, !keep_alive, keep_alive && head.version_minor == 0};
  std::string& target_out = has_body ? c->pending : out;
  const char* target = head.target;
  uint32_t target_length = head.target_length;
  RequestMethod method = request_method_from_token(head.method, head.method_length);
  options.head = method == kHead;

  bool bad_target = false;
  if (target_length == 1 && target[0] == '*') {
    if (method == kOptions) {
      append_status_answer(target_out, 204, date_, options, "Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n");
      goto framed;
    }
    bad_target = true;
  } else if (target[0] != '/') {
    // absolute-form (RFC 9112 3.2.2): route its path
    const char* scheme_end = static_cast<const char*>(memchr(target, ':', target_length));
    if (scheme_end && target_length - (scheme_end - target) >= 3 && scheme_end[1] == '/' && scheme_end[2] == '/') {
      const char* authority = scheme_end + 3;
      const char* path = static_cast<const char*>(memchr(authority, '/', target + target_length - authority));
      if (path) {
        target_length = static_cast<uint32_t>(target + target_length - path);
        target = path;
      } else {
        target = "/";
        target_length = 1;
      }
    } else {
      bad_target = true;
    }
  }
  // A fragment is never part of a request target (RFC 9112 3.2.1). An
  // overlong target is 414 first, whatever it holds (the router's rule).
  if (!bad_target && target_length <= kMaxTargetLength && memchr(target, '#', target_length)) bad_target = true;
  if (bad_target) {
    append_status_answer(out, 400, date_, AnswerOptions{options.head, true, false});
    c->keep_alive_after_body = false;
    c->stop_reading = true;
    return;
  } else {
    Match match;
    match_request(routes.table.root, method, target, target_length, scratch_, &match);
    append_routed_answer(target_out, routes, match, date_, options);
  }
framed:
  c->keep_alive_after_body = keep_alive;
  if (!has_body) return;
  c->body_seen = 0;
  if (head.framing == http::BodyFraming::kContentLength) {
    c->body = BodyState::kLength;
    c->body_remaining = head.content_length;
  } else {
    c->body = BodyState::kChunked;
    c->chunked = http::ChunkedDecoder();
  }
  if (head.expect_continue) out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

void Worker::flush(Connection* c) {
  if (c->closed) return;
  if (!out_.empty()) {
    // Answers produced from this read: one write for all of them.
    if (c->out.empty()) {
      ssize_t n = send(c->fd, out_.data(), out_.size(), MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        out_.clear();
        close_connection(c);
        return;
      }
      size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
      if (sent < out_.size()) c->out.assign(out_, sent, std::string::npos);
      c->out_offset = 0;
      if (n > 0) c->last_activity_ms = monotonic_ms();
    } else {
      c->out.append(out_);
    }
    out_.clear();
  }
  while (c->out_offset < c->out.size()) {
    ssize_t n = send(c->fd, c->out.data() + c->out_offset, c->out.size() - c->out_offset, MSG_NOSIGNAL);
    if (n > 0) {
      c->out_offset += static_cast<size_t>(n);
      c->last_activity_ms = monotonic_ms();
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    close_connection(c);
    return;
  }
  if (c->out_offset == c->out.size()) {
    c->out.clear();
    if (c->out.capacity() > 16384) c->out.shrink_to_fit();
    c->out_offset = 0;
    if (!c->in.empty() && !c->stop_reading && c->body == BodyState::kNone) {
      // Back-pressure had paused parsing: resume with what is buffered.
      std::string buffered;
      buffered.swap(c->in);
      size_t used = process(c, buffered.data(), buffered.size());
      if (used < buffered.size() && !c->stop_reading) c->in.assign(buffered, used, std::string::npos);
      if (!out_.empty()) {
        flush(c);
        return;
      }
    }
  }
  finish(c);
}

// Decides what the connection waits for next.
void Worker::finish(Connection* c) {
  if (c->closed) return;
  bool unsent = c->out_offset < c->out.size();
  if (c->read_closed && !unsent) {
    close_connection(c);  // everything answered, and nothing more can come
    return;
  }
  if (c->stop_reading && !unsent && c->body == BodyState::kNone) {
    if (!c->lingering) {
      // Close gracefully: FIN after our last answer, then drain the client's
      // bytes so the kernel does not answer them with a reset that could
      // destroy the answer in flight.
      shutdown(c->fd, SHUT_WR);
      c->lingering = true;
      c->last_activity_ms = monotonic_ms();
    }
  }
  update_events(c);
}

void Worker::update_events(Connection* c) {
  bool unsent = c->out_offset < c->out.size();
  uint32_t wanted = 0;
  if (unsent) wanted |= EPOLLOUT;
  bool paused = unsent && c->out.size() - c->out_offset > kMaxPendingOutput;
  // EPOLLIN/EPOLLRDHUP are level-triggered: once the client's FIN is in they
  // fire forever, so they are only asked for while we still read.
  if ((!c->stop_reading || c->lingering) && !paused && !c->read_closed) wanted |= EPOLLIN | EPOLLRDHUP;
  if (wanted != c->events) {
    epoll_event ev{};
    ev.events = wanted;
    ev.data.ptr = c;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
    c->events = wanted;
  }
}

void Worker::close_connection(Connection* c) {
  if (c->closed) return;
  c->closed = true;
  close(c->fd);
  if (c->prev) c->prev->next = c->next;
  else connections_ = c->next;
  if (c->next) c->next->prev = c->prev;
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  closed_.push_back(c);
}

void Worker::sweep(int64_t now) {
  const ServerConfig& config = shared_.config;
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    bool unsent = c->out_offset < c->out.size();
    if (unsent) {
      if (now - c->last_activity_ms > config.write_timeout_ms) close_connection(c);
    } else if (c->lingering) {
      if (now - c->last_activity_ms > kLingerMs) close_connection(c);
    } else if (c->request_started_ms && now - c->request_started_ms > config.header_timeout_ms) {
      std::string answer;
      append_status_answer(answer, 408, date_, AnswerOptions{false, true, false});
      ssize_t ignored = send(c->fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)ignored;
      c->stop_reading = true;
      c->request_started_ms = 0;
      c->in.clear();
      c->body = BodyState::kNone;
      finish(c);
    } else if (now - c->last_activity_ms > config.idle_timeout_ms) {
      close_connection(c);  // idle keep-alive, or a body that stopped arriving
    } else if (stopping_ && c->in.empty() && c->body == BodyState::kNone) {
      close_connection(c);
    }
    c = next;
  }
}

}  // namespace hotpath::native
