#include "event_loop.h"

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

// One client connection: its HTTP/1.1 session (the base: the session a
// later answer names leads back to its connection with a static_cast, and
// both live in one allocation) and its socket state. Idle connections hold
// no buffers: requests are parsed straight from the loop's read buffer and
// answers written from its output buffer; only a partial request or an
// unsent answer is kept here.
struct Connection final : Http1Session {
  explicit Connection(SessionContext& context) : Http1Session(context) {}
  Http1Session& session() { return *this; }
  int fd = -1;
  std::string in;    // received bytes the session has not used yet (a request cut short)
  std::string out;   // answer bytes the socket did not take yet
  size_t out_offset = 0;
  bool read_closed = false;   // the client's FIN arrived
  bool lingering = false;     // our side shut down, draining the client's bytes
  bool closed = false;
  uint32_t events = 0;
  int64_t request_started_ms = 0;  // first byte of the current request head (0: none)
  int64_t last_activity_ms = 0;
  Connection* prev = nullptr;
  Connection* next = nullptr;
};

namespace {

ProxySettings proxy_settings(SharedState& shared) {
  ProxySettings settings;
  settings.fallback = shared.fallback;
  settings.timeout_ms = shared.config.fallback_timeout_ms;
  settings.max_inflight = shared.config.fallback_max_inflight;
  settings.max_response_bytes = shared.config.fallback_max_response_bytes;
  settings.inflight = &shared.fallback_inflight;
  return settings;
}

}  // namespace

EventLoop::EventLoop(SharedState& shared, uint32_t index, std::vector<int> listeners)
    : shared_(shared),
      index_(index),
      listeners_(std::move(listeners)),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      read_buffer_(kReadChunkBytes),
      proxy_(proxy_settings(shared), date_, *this),
      fallbacks_(epoll_fd_, proxy_),
      answers_(shared.tables, date_, &proxy_),
      sessions_{SessionLimits{}, &date_, &answers_} {
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
  sessions_.limits.parser.max_head_bytes = shared_.config.max_header_bytes;
  sessions_.limits.max_body_bytes = shared_.config.max_body_bytes;
}

EventLoop::~EventLoop() {
  while (connections_) close_connection(connections_);
  for (Connection* c : closed_) delete c;
  fallbacks_.close_all();
  for (int fd : listeners_) close(fd);
  close(epoll_fd_);
  close(wake_fd_);
  if (spare_fd_ >= 0) close(spare_fd_);
}

void EventLoop::wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void EventLoop::run() {
  epoll_event events[kEpollBatch];
  int64_t next_sweep = monotonic_ms() + kTickMs;
  shared_.tables.online(index_);
  for (;;) {
    if (!stopping_ && shared_.stopping.load(std::memory_order_acquire)) begin_stop();
    if (stopping_ && (connections_ == nullptr || monotonic_ms() >= stop_deadline_ms_)) break;
    // Frames queued while handling the last batch go out in one write per
    // fallback connection (a failure answers 502, which may queue more).
    const bool flushed = flush_channels();
    // A quiescent point: no route table is held while blocked, so a reload
    // can free the table it replaced without waiting for this loop.
    shared_.tables.offline(index_);
    int n = epoll_wait(epoll_fd_, events, kEpollBatch, flushed ? kTickMs : 0);
    shared_.tables.online(index_);
    for (int i = 0; i < n; ++i) {
      if (FallbackClient::is_tag(events[i].data.u64)) {
        fallbacks_.ready(*FallbackClient::from_tag(events[i].data.u64), events[i].events);
        continue;
      }
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
      next_sweep = now + kTickMs;
      for (Connection* c : closed_) delete c;
      closed_.clear();
    }
  }
  while (connections_) close_connection(connections_);
  for (Connection* c : closed_) delete c;
  closed_.clear();
  shared_.tables.offline(index_);
}

bool EventLoop::flush_channels() {
  proxy_.deliver_deferred();
  // Bounded: each failure answers requests that may forward others, which
  // are written in the next round (or after an epoll_wait that does not block).
  for (int round = 0; round < 16 && !dirty_.empty(); ++round) {
    std::vector<FallbackChannel*> channels;
    channels.swap(dirty_);
    for (FallbackChannel* channel : channels) {
      channel->dirty = false;
      fallbacks_.flush(*channel);
    }
  }
  return dirty_.empty();
}

void EventLoop::writable(FallbackChannel& channel) {
  if (channel.dirty) return;
  channel.dirty = true;
  dirty_.push_back(&channel);
}

void EventLoop::answered(Http1Session& session, uint64_t sequence, std::string_view answer) {
  Connection* c = static_cast<Connection*>(&session);
  if (c->closed) return;
  c->session().complete(sequence, answer, output_for(c));
  // Writes it (with every answer it released), and reads on if the queue
  // of answers had paused parsing.
  flush(c);
}

void EventLoop::resumed(Http1Session& session) {
  Connection* c = static_cast<Connection*>(&session);
  if (c->closed) return;
  flush(c);  // reads on from the bytes it kept (and resumes reading the socket)
}

void EventLoop::begin_stop() {
  // Requests the kernel received before the signal, on connections this loop
  // has not read yet, are already received: read and answer them first (as
  // usual, so pipelined ones are all answered) instead of closing over them.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    if (c->session().reading() && c->in.empty() && c->out.empty() && !c->session().in_body()) read_ready(c);
    c = next;
  }
  stopping_ = true;
  stop_deadline_ms_ = monotonic_ms() + shared_.config.shutdown_grace_ms;
  // Requests waiting on a fallback are answered within the grace period
  // (504 at the latest), early enough for their answers to be written.
  proxy_.stop_by(stop_deadline_ms_ - kStopAnswerMarginMs);
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
    bool busy = !c->in.empty() || !c->out.empty() || c->session().in_body() || c->session().awaiting_answers();
    if (!busy) {
      if (!c->lingering) {
        c->session().stop();
        finish(c);
      }
    } else {
      c->session().drain();  // the request in progress is the last one
    }
    c = next;
  }
}

void EventLoop::accept_ready(int listener) {
  for (int batch = 0; batch < kAcceptBatch; ++batch) {
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
    Connection* c = new Connection(sessions_);
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

std::string& EventLoop::output_for(Connection* c) { return c->out.empty() ? out_ : c->out; }

void EventLoop::read_ready(Connection* c) {
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
  for (int round = 0; round < kReadRoundsPerEvent && c->session().wants_input(); ++round) {
    ssize_t n = read(c->fd, read_buffer_.data(), read_buffer_.size());
    if (n > 0) {
      c->last_activity_ms = monotonic_ms();
      const char* data = read_buffer_.data();
      size_t length = static_cast<size_t>(n);
      if (!c->in.empty()) {
        c->in.append(data, length);
        receive(c, c->in.data(), c->in.size(), true);
      } else {
        receive(c, data, length, false);
      }
      if (c->closed) return;
      if (c->out.size() + out_.size() > kMaxPendingOutputBytes) break;  // back-pressure
      if (static_cast<size_t>(n) < read_buffer_.size()) break;
      continue;
    }
    if (n == 0) {
      c->read_closed = true;  // half-close: answer what came before the FIN
      c->session().end_input();
      break;
    }
    if (errno == EAGAIN || errno == EINTR) break;
    close_connection(c);  // ECONNRESET and friends: nobody to answer
    return;
  }
  flush(c);
}

void EventLoop::write_ready(Connection* c) { flush(c); }

// Hands bytes to the session and keeps what it did not use: in c->in
// (`buffered`: the bytes are c->in itself) while it reads on, nowhere once
// it stopped (they will never be parsed). Keeps the head timer: started
// when a request head is cut short, cleared once a head is complete.
void EventLoop::receive(Connection* c, const char* data, size_t length, bool buffered) {
  const uint64_t before = c->session().requests();
  size_t used = c->session().receive(data, length, output_for(c));
  if (c->session().requests() != before) c->request_started_ms = 0;
  if (c->session().head_pending() && c->request_started_ms == 0) c->request_started_ms = monotonic_ms();
  if (!c->session().reading()) {
    c->in.clear();
  } else if (buffered) {
    c->in.erase(0, used);
  } else if (used < length) {
    c->in.assign(data + used, length - used);
  }
}

void EventLoop::flush(Connection* c) {
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
    if (c->out.capacity() > kKeptOutputCapacityBytes) c->out.shrink_to_fit();
    c->out_offset = 0;
    if (!c->in.empty() && c->session().wants_input()) {
      // Parsing had paused (output back-pressure, a full queue of answers
      // that complete later, a paused body): resume with what is buffered.
      std::string buffered;
      buffered.swap(c->in);
      receive(c, buffered.data(), buffered.size(), false);
      if (!out_.empty()) {
        flush(c);
        return;
      }
    }
  }
  finish(c);
}

// Decides what the connection waits for next.
void EventLoop::finish(Connection* c) {
  if (c->closed) return;
  bool unsent = c->out_offset < c->out.size();
  bool awaiting = c->session().awaiting_answers();
  if (stopping_ && c->session().reading() && !unsent && !awaiting && c->in.empty() && !c->session().in_body() &&
      !c->session().head_pending()) {
    // Stopping, and everything it asked for is answered (the last of it
    // by a fallback, maybe): no further request; close now (below).
    c->session().stop();
  }
  if (c->read_closed && !unsent && !awaiting) {
    close_connection(c);  // everything answered, and nothing more can come
    return;
  }
  if (!c->session().reading() && !unsent && !c->session().in_body() && !awaiting) {
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

void EventLoop::update_events(Connection* c) {
  bool unsent = c->out_offset < c->out.size();
  uint32_t wanted = 0;
  if (unsent) wanted |= EPOLLOUT;
  bool paused = unsent && c->out.size() - c->out_offset > kMaxPendingOutputBytes;
  // EPOLLIN/EPOLLRDHUP are level-triggered: once the client's FIN is in they
  // fire forever, so they are only asked for while we still read.
  if ((c->session().wants_input() || c->lingering) && !paused && !c->read_closed) wanted |= EPOLLIN | EPOLLRDHUP;
  if (wanted != c->events) {
    epoll_event ev{};
    ev.events = wanted;
    ev.data.ptr = c;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
    c->events = wanted;
  }
}

void EventLoop::close_connection(Connection* c) {
  if (c->closed) return;
  c->closed = true;
  close(c->fd);
  if (c->prev) c->prev->next = c->next;
  else connections_ = c->next;
  if (c->next) c->next->prev = c->prev;
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  closed_.push_back(c);
}

void EventLoop::sweep(int64_t now) {
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
      c->session().time_out(answer);
      ssize_t ignored = send(c->fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)ignored;
      c->request_started_ms = 0;
      c->in.clear();
      finish(c);
    } else if (c->session().awaiting_answers() && !c->session().in_body()) {
      // Waiting on a fallback: its own deadline (FallbackProxy::expire)
      // answers, so the connection is not idle (a body that stopped
      // arriving still is).
    } else if (now - c->last_activity_ms > config.idle_timeout_ms) {
      close_connection(c);  // idle keep-alive, or a body that stopped arriving
    } else if (stopping_ && c->in.empty() && !c->session().in_body()) {
      close_connection(c);
    }
    c = next;
  }
  proxy_.expire(now);
}

}  // namespace hotpath::native
